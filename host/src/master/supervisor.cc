#include "master/supervisor.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>

#include "common/clock.h"
#include "master/process.h"

namespace bazaar::host {
namespace {

constexpr int64_t kStableRunMs = 10'000;  // a worker that lived this long was not crash-looping
constexpr int64_t kKillGraceMs = 2'000;   // after the drain time-out, before SIGKILL
constexpr int64_t kFastStopMs = 1'000;

std::string role_label(WorkerRole role) {
  return SharedMetrics::label("role", role == WorkerRole::kRequest ? "request" : "background");
}

}  // namespace

Supervisor::Supervisor(std::string config_path, const HostConfig& config, const Logger& log,
                       const SharedMetrics& metrics, int listen_fd)
    : config_path_(std::move(config_path)),
      config_(config),
      log_(log),
      metrics_(metrics),
      listen_fd_(listen_fd) {}

bool Supervisor::spawn_generation(const Generation& gen) {
  for (int i = 0; i < slot_count(); ++i) {
    if (!spawn(gen, slot_role(i), i)) return false;
  }
  return true;
}

bool Supervisor::spawn(const Generation& gen, WorkerRole role, int slot) {
  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) return false;
  std::vector<std::string> args = {
      "--worker", role == WorkerRole::kRequest ? "request" : "background",
      "--config", config_path_,
      "--generation", std::to_string(gen.id),
      "--index", std::to_string(slot),
      "--manifest", gen.manifest_path,
      "--listen-fd", std::to_string(listen_fd_),
      "--metrics-fd", std::to_string(metrics_.fd()),
      "--ready-fd", std::to_string(pipe_fds[1])};
  auto pid = spawn_self(args, {listen_fd_, metrics_.fd(), pipe_fds[1]});
  close(pipe_fds[1]);
  if (!pid.ok()) {
    close(pipe_fds[0]);
    log_.log(BZ_LOG_ERROR, pid.error().message());
    return false;
  }
  Worker worker;
  worker.pid = *pid;
  worker.generation = gen.id;
  worker.role = role;
  worker.slot = slot;
  worker.ready_fd = pipe_fds[0];
  worker.started_ms = monotonic_ms();
  workers_[*pid] = worker;
  return true;
}

void Supervisor::add_ready_pipes(std::vector<pollfd>& fds, std::vector<pid_t>& owners) const {
  for (const auto& [pid, worker] : workers_) {
    if (worker.ready_fd >= 0) {
      fds.push_back({worker.ready_fd, POLLIN, 0});
      owners.push_back(pid);
    }
  }
}

std::optional<uint64_t> Supervisor::on_ready_pipe(pid_t pid) {
  auto it = workers_.find(pid);
  if (it == workers_.end()) return std::nullopt;
  Worker& worker = it->second;
  char byte = 0;
  ssize_t n = read(worker.ready_fd, &byte, 1);
  close(worker.ready_fd);
  worker.ready_fd = -1;
  if (n != 1 || byte != 'R') return std::nullopt;  // it is dying; SIGCHLD follows
  worker.ready = true;
  return worker.generation;
}

bool Supervisor::all_ready(uint64_t generation) const {
  for (const auto& [pid, worker] : workers_) {
    if (worker.generation == generation && !worker.ready) return false;
  }
  return true;
}

uint32_t Supervisor::serving(uint64_t generation) const {
  uint32_t ready = 0;
  for (const auto& [pid, worker] : workers_) {
    if (worker.generation == generation && worker.ready && !worker.draining &&
        worker.role == WorkerRole::kRequest) {
      ++ready;
    }
  }
  return ready;
}

std::optional<Supervisor::Exit> Supervisor::reap_one() {
  for (;;) {
    int status = 0;
    pid_t pid = waitpid(-1, &status, WNOHANG);
    if (pid <= 0) return std::nullopt;
    auto it = workers_.find(pid);
    if (it == workers_.end()) continue;
    Exit exit{it->second, status};
    workers_.erase(it);
    if (exit.worker.ready_fd >= 0) close(exit.worker.ready_fd);
    return exit;
  }
}

void Supervisor::count_death(const Exit& exit) {
  const Worker& worker = exit.worker;
  bool crashed = !WIFEXITED(exit.status) || WEXITSTATUS(exit.status) != 0;
  metrics_.counter("bazaar_worker_exits_total", role_label(worker.role)).add();
  if (crashed) metrics_.counter("bazaar_worker_crashes_total", role_label(worker.role)).add();
  log_.log(BZ_LOG_ERROR, "worker died",
           {{"worker_pid", int64_t{worker.pid}},
            {"generation", static_cast<int64_t>(worker.generation)},
            {"how", describe_exit(exit.status)}});
}

void Supervisor::schedule_respawn(const Worker& worker, int64_t now) {
  SlotHealth& slot = slots_[static_cast<size_t>(worker.slot)];
  if (now - worker.started_ms >= kStableRunMs) slot.consecutive_crashes = 0;
  ++slot.consecutive_crashes;
  int64_t delay = config_.restart_backoff_min_ms;
  for (int i = 1; i < slot.consecutive_crashes && delay < config_.restart_backoff_max_ms; ++i) {
    delay *= 2;
  }
  delay = std::min(delay, config_.restart_backoff_max_ms);
  if (slot.consecutive_crashes >= config_.crash_loop_threshold) {
    delay = config_.restart_backoff_max_ms;
    log_.log(BZ_LOG_ERROR, "crash loop: worker slot keeps dying",
             {{"slot", int64_t{worker.slot}}, {"consecutive", int64_t{slot.consecutive_crashes}}});
  }
  slot.respawn_at_ms = now + delay;
  slot.waiting = true;
}

void Supervisor::respawn_due(const Generation& active, int64_t now) {
  for (size_t i = 0; i < slots_.size(); ++i) {
    if (!slots_[i].waiting || now < slots_[i].respawn_at_ms) continue;
    slots_[i].waiting = false;
    WorkerRole role = slot_role(static_cast<int>(i));
    metrics_.counter("bazaar_worker_restarts_total", role_label(role)).add();
    if (!spawn(active, role, static_cast<int>(i))) {
      slots_[i].waiting = true;
      slots_[i].respawn_at_ms = now + config_.restart_backoff_max_ms;
    }
  }
}

void Supervisor::reset_slots() { slots_.assign(static_cast<size_t>(slot_count()), SlotHealth{}); }

void Supervisor::drain_generation(uint64_t generation, int64_t now) {
  for (auto& [pid, worker] : workers_) {
    if (worker.generation == generation) drain(worker, now);
  }
}

void Supervisor::drain(Worker& worker, int64_t now) {
  if (worker.draining) return;
  worker.draining = true;
  // A worker that is not ready yet never accepted anything: no need to wait.
  kill(worker.pid, worker.ready ? SIGTERM : SIGKILL);
  worker.kill_at_ms = now + config_.drain_timeout_ms + kKillGraceMs;
}

void Supervisor::stop_all(bool fast, int64_t now) {
  for (auto& [pid, worker] : workers_) {
    worker.draining = true;
    kill(pid, fast ? SIGQUIT : SIGTERM);
    worker.kill_at_ms = now + (fast ? kFastStopMs : config_.drain_timeout_ms + kKillGraceMs);
  }
}

void Supervisor::kill_overdue(int64_t now) {
  for (auto& [pid, worker] : workers_) {
    if (worker.kill_at_ms > 0 && now >= worker.kill_at_ms) {
      log_.log(BZ_LOG_WARN, "worker did not exit in time; killing", {{"worker_pid", int64_t{pid}}});
      kill(pid, SIGKILL);
      worker.kill_at_ms = 0;
    }
  }
}

int64_t Supervisor::next_deadline_ms(int64_t bound) const {
  int64_t next = bound;
  for (const auto& s : slots_) {
    if (s.waiting) next = std::min(next, s.respawn_at_ms);
  }
  for (const auto& [pid, worker] : workers_) {
    if (worker.kill_at_ms > 0) next = std::min(next, worker.kill_at_ms);
  }
  return next;
}

}  // namespace bazaar::host
