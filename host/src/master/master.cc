#include "master/master.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>

#include "common/clock.h"
#include "common/unix_socket.h"
#include "master/process.h"

namespace bazaar::host {
namespace {

// The master saves the highest id millisecond this often, and a restarted
// master starts ids above the saved value plus this margin (> the interval),
// so ids stay unique across a node restart even if the clock stepped back.
constexpr int64_t kIdFloorSaveMs = 5'000;
constexpr int64_t kIdFloorMarginMs = 10'000;

}  // namespace

Master::Master(std::string config_path, HostConfig config)
    : config_path_(std::move(config_path)), config_(std::move(config)) {}

Master::~Master() {
  for (int fd : {listen_fd_, signal_fd_}) {
    if (fd >= 0) close(fd);
  }
  if (log_fd_ > STDERR_FILENO) close(log_fd_);
}

bool Master::setup() {
  log_fd_ = STDERR_FILENO;
  if (!config_.log_file.empty()) {
    int fd = open(config_.log_file.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
      fprintf(stderr, "cannot open log_file %s: %s\n", config_.log_file.c_str(), strerror(errno));
      return false;
    }
    log_fd_ = fd;
  }
  log_ = std::make_unique<Logger>(log_fd_, Logger::parse_level(config_.log_level), "master");
  if (mkdir(config_.state_dir.c_str(), 0755) != 0 && errno != EEXIST) {
    log_->log(BZ_LOG_ERROR, "cannot create state_dir",
              {{"path", config_.state_dir}, {"error", std::string_view(strerror(errno))}});
    return false;
  }
  auto metrics = SharedMetrics::create(4096);
  if (!metrics.ok()) {
    log_->log(BZ_LOG_ERROR, metrics.error().message());
    return false;
  }
  metrics_.emplace(std::move(*metrics));
  load_id_floor();

  sigset_t set;
  sigemptyset(&set);
  for (int sig : {SIGCHLD, SIGHUP, SIGTERM, SIGINT, SIGQUIT}) sigaddset(&set, sig);
  sigprocmask(SIG_BLOCK, &set, nullptr);
  signal(SIGPIPE, SIG_IGN);
  signal_fd_ = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);

  auto listen = listen_unix(config_.listen_socket, config_.listen_backlog, config_.listen_mode);
  if (!listen.ok()) {
    log_->log(BZ_LOG_ERROR, listen.error().message());
    return false;
  }
  listen_fd_ = *listen;
  supervisor_.emplace(config_path_, config_, *log_, *metrics_, listen_fd_);
  auto control = ControlSocket::listen(config_.control_socket);
  if (!control.ok()) {
    log_->log(BZ_LOG_ERROR, control.error().message());
    return false;
  }
  control_.emplace(std::move(*control));
  // Workers are exec'd (never forked without exec), so the proxy's thread in
  // the master cannot leave a copied lock behind in a child.
  Status bus = bus_.start(bus_endpoints(config_.state_dir, 0));
  if (!bus.ok()) {
    log_->log(BZ_LOG_ERROR, bus.error().message());
    return false;
  }
  return signal_fd_ >= 0;
}

int Master::run() {
  if (!setup()) return 1;
  log_->log(BZ_LOG_INFO, "starting",
            {{"listen", config_.listen_socket},
             {"workers", int64_t{config_.workers}},
             {"threads", int64_t{config_.threads}}});
  metrics_->node().accepting = 1;
  auto gen = prepare_generation(next_generation_++, config_path_, config_);
  if (!gen.ok()) {
    log_->log(BZ_LOG_ERROR, "cannot prepare plugins", {{"reason", gen.error().message()}});
    return 1;
  }
  // At start a refused plugin is skipped: the node serves with the good ones.
  for (const auto& r : gen->manifest.refused) {
    log_->log(BZ_LOG_ERROR, "plugin refused", {{"file", r.file}, {"reason", r.reason}});
  }
  if (!start_generation(std::move(*gen))) return 1;
  loop();
  save_id_floor();
  bus_.stop();
  unlink(config_.listen_socket.c_str());
  unlink(config_.control_socket.c_str());
  log_->log(BZ_LOG_INFO, "stopped", {{"exit_code", int64_t{exit_code_}}});
  return exit_code_;
}

void Master::loop() {
  while (phase_ != Phase::kStopping || !supervisor_->workers().empty()) {
    std::vector<pollfd> fds = {{signal_fd_, POLLIN, 0}, {control_->fd(), POLLIN, 0}};
    std::vector<pid_t> ready_owners;
    supervisor_->add_ready_pipes(fds, ready_owners);
    int64_t now = monotonic_ms();
    int timeout = static_cast<int>(std::clamp<int64_t>(next_timeout_ms(now) - now, 0, 1000));
    int n = poll(fds.data(), fds.size(), timeout);
    if (n < 0 && errno != EINTR) {
      log_->log(BZ_LOG_ERROR, "poll failed", {{"error", std::string_view(strerror(errno))}});
      exit_code_ = 1;
      begin_stop(true);
    }
    if (n > 0) {
      if (fds[0].revents & POLLIN) {
        signalfd_siginfo info{};
        while (read(signal_fd_, &info, sizeof(info)) == sizeof(info)) {
          on_signal(static_cast<int>(info.ssi_signo));
        }
      }
      if (fds[1].revents & POLLIN) on_control_client();
      for (size_t i = 2; i < fds.size(); ++i) {
        if (fds[i].revents != 0) on_ready_pipe(ready_owners[i - 2]);
      }
    }
    on_timers(monotonic_ms());
  }
}

int64_t Master::next_timeout_ms(int64_t now) const {
  int64_t next = now + 1000;
  if (pending_) next = std::min(next, pending_deadline_ms_);
  return supervisor_->next_deadline_ms(next);
}

void Master::on_signal(int sig) {
  switch (sig) {
    case SIGCHLD: reap_children(); break;
    case SIGHUP:
      log_->log(BZ_LOG_INFO, "SIGHUP: reloading configuration and plugins");
      begin_reload(-1);
      break;
    case SIGTERM:
    case SIGINT: begin_stop(false); break;
    case SIGQUIT: begin_stop(true); break;
    default: break;
  }
}

void Master::reap_children() {
  while (auto exit = supervisor_->reap_one()) on_worker_exit(*exit);
}

void Master::on_worker_exit(const Supervisor::Exit& exit) {
  const Supervisor::Worker& worker = exit.worker;
  if (phase_ == Phase::kStopping || worker.draining) {
    log_->log(BZ_LOG_INFO, "worker exited",
              {{"worker_pid", int64_t{worker.pid}}, {"how", describe_exit(exit.status)}});
    publish_node_state();
    return;
  }
  supervisor_->count_death(exit);
  if (pending_ && worker.generation == pending_->id) {
    fail_pending("a worker of the new generation died before it was ready: " +
                 describe_exit(exit.status));
    return;
  }
  if (!active_ || worker.generation != active_->id) return;
  supervisor_->schedule_respawn(worker, monotonic_ms());
  publish_node_state();
}

void Master::on_ready_pipe(pid_t pid) {
  std::optional<uint64_t> generation = supervisor_->on_ready_pipe(pid);
  if (!generation) return;
  if (pending_ && *generation == pending_->id) {
    if (supervisor_->all_ready(pending_->id)) commit_pending();
  } else {
    publish_node_state();
  }
}

void Master::load_id_floor() {
  std::ifstream in(config_.state_dir + "/id-floor");
  int64_t saved = 0;
  if (!(in >> saved) || saved <= 0) return;
  for (auto& floor : metrics_->node().id_floor_ms) floor = saved + kIdFloorMarginMs;
}

void Master::save_id_floor() {
  int64_t highest = 0;
  for (const auto& floor : metrics_->node().id_floor_ms) highest = std::max(highest, floor.load());
  if (highest <= 0) return;
  std::string path = config_.state_dir + "/id-floor";
  {
    std::ofstream out(path + ".tmp", std::ios::trunc);
    out << highest << "\n";
    if (!out) return;
  }
  std::rename((path + ".tmp").c_str(), path.c_str());
}

void Master::on_timers(int64_t now) {
  if (now >= next_floor_save_ms_) {
    next_floor_save_ms_ = now + kIdFloorSaveMs;
    save_id_floor();
  }
  if (pending_ && now >= pending_deadline_ms_) {
    fail_pending("workers of the new generation were not ready within ready_timeout_ms");
  }
  if (phase_ != Phase::kStopping && active_) supervisor_->respawn_due(*active_, now);
  supervisor_->kill_overdue(now);
}

void Master::begin_stop(bool fast) {
  if (phase_ == Phase::kStopping && !fast) return;
  log_->log(BZ_LOG_INFO, fast ? "fast stop" : "graceful stop: draining workers");
  phase_ = Phase::kStopping;
  metrics_->node().accepting = 0;
  pending_.reset();
  control_->answer_waiters(R"({"ok":false,"error":"the host is stopping"})");
  supervisor_->stop_all(fast, monotonic_ms());
}

void Master::publish_node_state() {
  uint32_t ready = active_ ? supervisor_->serving(active_->id) : 0;
  NodeState& node = metrics_->node();
  node.ready_workers = ready;
  node.expected_workers = static_cast<uint32_t>(config_.workers);
  node.active_generation = active_ ? active_->id : 0;
  metrics_->gauge("bazaar_workers_ready").set(ready);
}

std::string Master::status_json() const {
  nlohmann::json workers = nlohmann::json::array();
  for (const auto& [pid, worker] : supervisor_->workers()) {
    workers.push_back({{"pid", pid},
                       {"generation", worker.generation},
                       {"role", worker.role == WorkerRole::kRequest ? "request" : "background"},
                       {"slot", worker.slot},
                       {"ready", worker.ready},
                       {"draining", worker.draining}});
  }
  nlohmann::json plugins = nlohmann::json::array();
  nlohmann::json refused = nlohmann::json::array();
  if (active_) {
    for (const auto& p : active_->manifest.plugins) {
      plugins.push_back({{"name", p.name}, {"version", p.version}, {"sha256", p.sha256}});
    }
    for (const auto& r : active_->manifest.refused) {
      refused.push_back({{"file", r.file}, {"reason", r.reason}});
    }
  }
  const char* phase = phase_ == Phase::kStarting ? "starting"
                      : phase_ == Phase::kServing ? "serving"
                                                  : "stopping";
  return nlohmann::json{{"ok", true},
                        {"pid", getpid()},
                        {"phase", phase},
                        {"generation", active_ ? active_->id : 0},
                        {"reloading", pending_.has_value()},
                        {"workers", workers},
                        {"plugins", plugins},
                        {"refused", refused},
                        {"clock_offset_ms", metrics_->node().clock_offset_ms.load()}}
      .dump();
}

void Master::on_control_client() {
  std::optional<ControlSocket::Command> command = control_->accept();
  if (!command) return;
  const std::string& line = command->line;
  const int fd = command->fd;
  if (line == "status") {
    ControlSocket::answer(fd, status_json());
  } else if (line == "reload") {
    log_->log(BZ_LOG_INFO, "reload requested over the control socket");
    begin_reload(fd);
  } else if (line.starts_with("clock-offset ")) {
    if (!config_.test_clock) {
      ControlSocket::answer(
          fd, R"({"ok":false,"error":"test_clock is off in the host configuration"})");
      return;
    }
    try {
      int64_t offset = std::stoll(line.substr(13));
      metrics_->node().clock_offset_ms = offset;
      log_->log(BZ_LOG_WARN, "test clock moved", {{"offset_ms", offset}});
      ControlSocket::answer(fd, nlohmann::json{{"ok", true}, {"clock_offset_ms", offset}}.dump());
    } catch (const std::exception&) {
      ControlSocket::answer(
          fd, R"({"ok":false,"error":"clock-offset needs an integer of milliseconds"})");
    }
  } else {
    ControlSocket::answer(fd, R"({"ok":false,"error":"unknown command"})");
  }
}

}  // namespace bazaar::host
