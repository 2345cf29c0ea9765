// The master process: owns the listen socket, the metrics segment and the
// control socket; starts, supervises and rolls workers. Single-threaded: one
// poll() loop over a signalfd, the control socket and the workers' ready pipes.
//
// Signals: SIGHUP reloads (rolling), SIGTERM/SIGINT stop gracefully (workers
// drain), SIGQUIT stops fast. The same reload is available, with its outcome,
// as `bazaarctl reload` over the control socket.
//
// The Master decides; its Supervisor keeps the worker processes and their
// slots (supervisor.h) and its ControlSocket talks to bazaarctl
// (control_socket.h). Its own work is in two files: master.cc (start, the
// loop, signals, workers' exits and readiness, commands, stop) and
// rolling_reload.cc (generations: reload, commit, refuse, prune).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "common/config.h"
#include "common/logger.h"
#include "common/shared_metrics.h"
#include "master/control_socket.h"
#include "master/generation.h"
#include "master/supervisor.h"
#include "services/events/event_bus_proxy.h"

namespace bazaar::host {

class Master {
 public:
  Master(std::string config_path, HostConfig config);
  ~Master();
  Master(const Master&) = delete;
  Master& operator=(const Master&) = delete;

  // Runs until stopped; returns the process exit code.
  int run();

 private:
  enum class Phase { kStarting, kServing, kStopping };

  // master.cc
  bool setup();
  void loop();
  int64_t next_timeout_ms(int64_t now) const;
  void on_signal(int sig);
  void reap_children();
  void on_worker_exit(const Supervisor::Exit& exit);
  void on_ready_pipe(pid_t pid);
  void on_control_client();
  std::string status_json() const;
  void on_timers(int64_t now);
  void begin_stop(bool fast);
  void publish_node_state();
  // Id floors survive a node restart through state_dir/id-floor (see ids).
  void load_id_floor();
  void save_id_floor();

  // rolling_reload.cc
  void begin_reload(int waiter_fd);
  bool start_generation(Generation gen);
  void commit_pending();
  void fail_pending(const std::string& reason);
  // Deletes staged plugin copies and manifests that neither the active nor a
  // pending generation uses.
  void prune_state();

  std::string config_path_;
  HostConfig config_;
  std::unique_ptr<Logger> log_;
  std::optional<SharedMetrics> metrics_;
  int log_fd_ = -1;
  int listen_fd_ = -1;
  int signal_fd_ = -1;
  std::optional<ControlSocket> control_;
  std::optional<Supervisor> supervisor_;
  Phase phase_ = Phase::kStarting;
  int exit_code_ = 0;
  uint64_t next_generation_ = 1;
  std::optional<Generation> active_;
  std::optional<Generation> pending_;
  int64_t pending_deadline_ms_ = 0;
  EventBusProxy bus_;
  int64_t next_floor_save_ms_ = 0;
};

}  // namespace bazaar::host
