// The master process: owns the listen socket, the metrics segment and the
// control socket; starts, supervises and rolls workers. Single-threaded: one
// poll() loop over a signalfd, the control socket and the workers' ready pipes.
//
// Signals: SIGHUP reloads (rolling), SIGTERM/SIGINT stop gracefully (workers
// drain), SIGQUIT stops fast. The same reload is available, with its outcome,
// as `bazaarctl reload` over the control socket.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/config.h"
#include "common/logger.h"
#include "common/shared_metrics.h"
#include "common/worker_args.h"
#include "master/generation.h"
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
  struct WorkerProc {
    pid_t pid = 0;
    uint64_t generation = 0;
    WorkerRole role = WorkerRole::kRequest;
    int slot = 0;
    int ready_fd = -1;
    bool ready = false;
    bool draining = false;
    int64_t started_ms = 0;
    int64_t kill_at_ms = 0;  // 0: no deadline
  };
  struct SlotHealth {
    int consecutive_crashes = 0;
    int64_t respawn_at_ms = 0;
    bool waiting = false;
  };
  enum class Phase { kStarting, kServing, kStopping };

  bool setup();
  void loop();
  int64_t next_timeout_ms(int64_t now) const;
  void on_signal(int sig);
  void reap_children();
  void on_worker_exit(WorkerProc proc, int status);
  void on_ready_pipe(pid_t pid);
  void on_control_client();
  void on_timers(int64_t now);

  void begin_stop(bool fast);
  bool spawn_worker(const Generation& gen, WorkerRole role, int slot);
  void drain(WorkerProc& proc, int64_t now);
  void publish_node_state();
  // Id floors survive a node restart through state_dir/id-floor (see ids).
  void load_id_floor();
  void save_id_floor();
  void answer_waiters(const std::string& json);
  std::string status_json() const;
  int slot_count() const { return config_.workers + 1; }  // request workers + background

  // The rolling reload (rolling_reload.cc).
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
  int control_fd_ = -1;
  int signal_fd_ = -1;
  Phase phase_ = Phase::kStarting;
  int exit_code_ = 0;
  uint64_t next_generation_ = 1;
  std::optional<Generation> active_;
  std::optional<Generation> pending_;
  int64_t pending_deadline_ms_ = 0;
  std::map<pid_t, WorkerProc> procs_;
  std::vector<SlotHealth> slots_;
  std::vector<int> reload_waiters_;
  EventBusProxy bus_;
  int64_t next_floor_save_ms_ = 0;
};

}  // namespace bazaar::host
