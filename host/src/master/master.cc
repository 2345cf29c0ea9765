#include "master/master.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
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

constexpr int64_t kStableRunMs = 10'000;   // a worker that lived this long was not crash-looping
constexpr int64_t kKillGraceMs = 2'000;    // after the drain time-out, before SIGKILL
constexpr int64_t kFastStopMs = 1'000;
// The master saves the highest id millisecond this often, and a restarted
// master starts ids above the saved value plus this margin (> the interval),
// so ids stay unique across a node restart even if the clock stepped back.
constexpr int64_t kIdFloorSaveMs = 5'000;
constexpr int64_t kIdFloorMarginMs = 10'000;

std::string role_label(WorkerRole role) {
  return SharedMetrics::label("role", role == WorkerRole::kRequest ? "request" : "background");
}

void write_line(int fd, const std::string& json) {
  std::string line = json + "\n";
  ssize_t n = write(fd, line.data(), line.size());
  (void)n;
  close(fd);
}

}  // namespace

Master::Master(std::string config_path, HostConfig config)
    : config_path_(std::move(config_path)), config_(std::move(config)) {}

Master::~Master() {
  for (int fd : {listen_fd_, control_fd_, signal_fd_}) {
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
  auto control = listen_unix(config_.control_socket, 16, 0600);
  if (!control.ok()) {
    log_->log(BZ_LOG_ERROR, control.error().message());
    return false;
  }
  control_fd_ = *control;
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
  while (phase_ != Phase::kStopping || !procs_.empty()) {
    std::vector<pollfd> fds = {{signal_fd_, POLLIN, 0}, {control_fd_, POLLIN, 0}};
    std::vector<pid_t> ready_owners;
    for (const auto& [pid, proc] : procs_) {
      if (proc.ready_fd >= 0) {
        fds.push_back({proc.ready_fd, POLLIN, 0});
        ready_owners.push_back(pid);
      }
    }
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
  for (const auto& s : slots_) {
    if (s.waiting) next = std::min(next, s.respawn_at_ms);
  }
  for (const auto& [pid, proc] : procs_) {
    if (proc.kill_at_ms > 0) next = std::min(next, proc.kill_at_ms);
  }
  return next;
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
  for (;;) {
    int status = 0;
    pid_t pid = waitpid(-1, &status, WNOHANG);
    if (pid <= 0) return;
    auto it = procs_.find(pid);
    if (it == procs_.end()) continue;
    WorkerProc proc = it->second;
    procs_.erase(it);
    if (proc.ready_fd >= 0) close(proc.ready_fd);
    on_worker_exit(proc, status);
  }
}

void Master::on_worker_exit(WorkerProc proc, int status) {
  bool crashed = !WIFEXITED(status) || WEXITSTATUS(status) != 0;
  if (phase_ == Phase::kStopping || proc.draining) {
    log_->log(BZ_LOG_INFO, "worker exited",
              {{"worker_pid", int64_t{proc.pid}}, {"how", describe_exit(status)}});
    publish_node_state();
    return;
  }
  metrics_->counter("bazaar_worker_exits_total", role_label(proc.role)).add();
  if (crashed) metrics_->counter("bazaar_worker_crashes_total", role_label(proc.role)).add();
  log_->log(BZ_LOG_ERROR, "worker died",
            {{"worker_pid", int64_t{proc.pid}},
             {"generation", static_cast<int64_t>(proc.generation)},
             {"how", describe_exit(status)}});

  if (pending_ && proc.generation == pending_->id) {
    fail_pending("a worker of the new generation died before it was ready: " + describe_exit(status));
    return;
  }
  if (!active_ || proc.generation != active_->id) return;

  // Supervision: respawn into the same slot with exponential back-off; a slot
  // that keeps dying quickly is a crash loop and waits the maximum.
  SlotHealth& slot = slots_[static_cast<size_t>(proc.slot)];
  int64_t now = monotonic_ms();
  if (now - proc.started_ms >= kStableRunMs) slot.consecutive_crashes = 0;
  ++slot.consecutive_crashes;
  int64_t delay = config_.restart_backoff_min_ms;
  for (int i = 1; i < slot.consecutive_crashes && delay < config_.restart_backoff_max_ms; ++i) {
    delay *= 2;
  }
  delay = std::min(delay, config_.restart_backoff_max_ms);
  if (slot.consecutive_crashes >= config_.crash_loop_threshold) {
    delay = config_.restart_backoff_max_ms;
    log_->log(BZ_LOG_ERROR, "crash loop: worker slot keeps dying",
              {{"slot", int64_t{proc.slot}}, {"consecutive", int64_t{slot.consecutive_crashes}}});
  }
  slot.respawn_at_ms = now + delay;
  slot.waiting = true;
  publish_node_state();
}

void Master::on_ready_pipe(pid_t pid) {
  auto it = procs_.find(pid);
  if (it == procs_.end()) return;
  WorkerProc& proc = it->second;
  char byte = 0;
  ssize_t n = read(proc.ready_fd, &byte, 1);
  close(proc.ready_fd);
  proc.ready_fd = -1;
  if (n != 1 || byte != 'R') return;  // it is dying; SIGCHLD follows
  proc.ready = true;
  if (pending_ && proc.generation == pending_->id) {
    bool all_ready = true;
    for (const auto& [p, w] : procs_) {
      if (w.generation == pending_->id && !w.ready) all_ready = false;
    }
    if (all_ready) commit_pending();
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
  if (phase_ != Phase::kStopping && active_) {
    for (size_t i = 0; i < slots_.size(); ++i) {
      if (!slots_[i].waiting || now < slots_[i].respawn_at_ms) continue;
      slots_[i].waiting = false;
      WorkerRole role = static_cast<int>(i) < config_.workers ? WorkerRole::kRequest
                                                              : WorkerRole::kBackground;
      metrics_->counter("bazaar_worker_restarts_total", role_label(role)).add();
      if (!spawn_worker(*active_, role, static_cast<int>(i))) {
        slots_[i].waiting = true;
        slots_[i].respawn_at_ms = now + config_.restart_backoff_max_ms;
      }
    }
  }
  for (auto& [pid, proc] : procs_) {
    if (proc.kill_at_ms > 0 && now >= proc.kill_at_ms) {
      log_->log(BZ_LOG_WARN, "worker did not exit in time; killing", {{"worker_pid", int64_t{pid}}});
      kill(pid, SIGKILL);
      proc.kill_at_ms = 0;
    }
  }
}

void Master::drain(WorkerProc& proc, int64_t now) {
  if (proc.draining) return;
  proc.draining = true;
  // A worker that is not ready yet never accepted anything: no need to wait.
  kill(proc.pid, proc.ready ? SIGTERM : SIGKILL);
  proc.kill_at_ms = now + config_.drain_timeout_ms + kKillGraceMs;
}

void Master::begin_stop(bool fast) {
  if (phase_ == Phase::kStopping && !fast) return;
  log_->log(BZ_LOG_INFO, fast ? "fast stop" : "graceful stop: draining workers");
  phase_ = Phase::kStopping;
  metrics_->node().accepting = 0;
  pending_.reset();
  answer_waiters(R"({"ok":false,"error":"the host is stopping"})");
  int64_t now = monotonic_ms();
  for (auto& [pid, proc] : procs_) {
    proc.draining = true;
    kill(pid, fast ? SIGQUIT : SIGTERM);
    proc.kill_at_ms = now + (fast ? kFastStopMs : config_.drain_timeout_ms + kKillGraceMs);
  }
}

bool Master::spawn_worker(const Generation& gen, WorkerRole role, int slot) {
  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) return false;
  std::vector<std::string> args = {
      "--worker", role == WorkerRole::kRequest ? "request" : "background",
      "--config", config_path_,
      "--generation", std::to_string(gen.id),
      "--index", std::to_string(slot),
      "--manifest", gen.manifest_path,
      "--listen-fd", std::to_string(listen_fd_),
      "--metrics-fd", std::to_string(metrics_->fd()),
      "--ready-fd", std::to_string(pipe_fds[1])};
  auto pid = spawn_self(args, {listen_fd_, metrics_->fd(), pipe_fds[1]});
  close(pipe_fds[1]);
  if (!pid.ok()) {
    close(pipe_fds[0]);
    log_->log(BZ_LOG_ERROR, pid.error().message());
    return false;
  }
  WorkerProc proc;
  proc.pid = *pid;
  proc.generation = gen.id;
  proc.role = role;
  proc.slot = slot;
  proc.ready_fd = pipe_fds[0];
  proc.started_ms = monotonic_ms();
  procs_[*pid] = proc;
  return true;
}

void Master::publish_node_state() {
  uint32_t ready = 0;
  for (const auto& [pid, proc] : procs_) {
    if (active_ && proc.generation == active_->id && proc.ready && !proc.draining &&
        proc.role == WorkerRole::kRequest) {
      ++ready;
    }
  }
  NodeState& node = metrics_->node();
  node.ready_workers = ready;
  node.expected_workers = static_cast<uint32_t>(config_.workers);
  node.active_generation = active_ ? active_->id : 0;
  metrics_->gauge("bazaar_workers_ready").set(ready);
}

void Master::answer_waiters(const std::string& json) {
  for (int fd : reload_waiters_) write_line(fd, json);
  reload_waiters_.clear();
}

std::string Master::status_json() const {
  nlohmann::json workers = nlohmann::json::array();
  for (const auto& [pid, proc] : procs_) {
    workers.push_back({{"pid", pid},
                       {"generation", proc.generation},
                       {"role", proc.role == WorkerRole::kRequest ? "request" : "background"},
                       {"slot", proc.slot},
                       {"ready", proc.ready},
                       {"draining", proc.draining}});
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
  int fd = accept4(control_fd_, nullptr, nullptr, SOCK_CLOEXEC);
  if (fd < 0) return;
  // Commands are one short line sent right after connecting; a silent client
  // cannot stall the master for more than this.
  timeval tv{0, 500'000};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  char buf[256];
  ssize_t n = read(fd, buf, sizeof(buf) - 1);
  if (n <= 0) {
    close(fd);
    return;
  }
  std::string line(buf, static_cast<size_t>(n));
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();

  if (line == "status") {
    write_line(fd, status_json());
  } else if (line == "reload") {
    log_->log(BZ_LOG_INFO, "reload requested over the control socket");
    begin_reload(fd);
  } else if (line.starts_with("clock-offset ")) {
    if (!config_.test_clock) {
      write_line(fd, R"({"ok":false,"error":"test_clock is off in the host configuration"})");
      return;
    }
    try {
      int64_t offset = std::stoll(line.substr(13));
      metrics_->node().clock_offset_ms = offset;
      log_->log(BZ_LOG_WARN, "test clock moved", {{"offset_ms", offset}});
      write_line(fd, nlohmann::json{{"ok", true}, {"clock_offset_ms", offset}}.dump());
    } catch (const std::exception&) {
      write_line(fd, R"({"ok":false,"error":"clock-offset needs an integer of milliseconds"})");
    }
  } else {
    write_line(fd, R"({"ok":false,"error":"unknown command"})");
  }
}

}  // namespace bazaar::host
