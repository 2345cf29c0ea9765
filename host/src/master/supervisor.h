// The master's worker processes: starting one in each slot (request workers,
// then the background one), reading their ready pipes, reaping them, starting
// a crashed slot again after a back-off, draining and killing them.
//
// It keeps the books and carries out; what an exit or a ready worker means
// for the generations (fail a reload, commit it, respawn) is the master's to
// decide. Single-threaded: only the master's loop calls it.
#pragma once

#include <poll.h>
#include <sys/types.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/config.h"
#include "common/logger.h"
#include "common/shared_metrics.h"
#include "common/worker_args.h"
#include "master/generation.h"

namespace bazaar::host {

class Supervisor {
 public:
  struct Worker {
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
  struct Exit {
    Worker worker;
    int status = 0;  // as waitpid() reports it
  };

  // Workers are started as `bazaar-host --worker ... --config config_path`
  // and inherit `listen_fd` and the metrics segment. `config` is the
  // master's, read at each call (a reload replaces it in place); everything
  // passed by reference must outlive the supervisor.
  Supervisor(std::string config_path, const HostConfig& config, const Logger& log,
             const SharedMetrics& metrics, int listen_fd);
  Supervisor(const Supervisor&) = delete;
  Supervisor& operator=(const Supervisor&) = delete;

  // Starts a worker of `gen` in every slot; false at the first that cannot
  // start (its workers started so far keep running: the caller drains them).
  bool spawn_generation(const Generation& gen);

  // Appends the ready pipes still open to `fds`, and their workers' pids to `owners`.
  void add_ready_pipes(std::vector<pollfd>& fds, std::vector<pid_t>& owners) const;
  // Reads worker `pid`'s ready pipe. Returns the worker's generation when it
  // is ready now; nothing for an unknown worker or one that is dying (its
  // exit follows).
  std::optional<uint64_t> on_ready_pipe(pid_t pid);
  // Whether every worker of `generation` is ready.
  bool all_ready(uint64_t generation) const;
  // Request workers of `generation` that are ready and not draining.
  uint32_t serving(uint64_t generation) const;

  // The next of its workers that has exited, forgotten and its pipe closed;
  // nothing once no exited worker is left. Never waits.
  std::optional<Exit> reap_one();
  // An exit nobody asked for: counted (bazaar_worker_exits_total and, for a
  // crash, bazaar_worker_crashes_total) and logged.
  void count_death(const Exit& exit);
  // Schedules the exited worker's slot for a respawn: restart_backoff_min_ms,
  // doubled for each consecutive quick crash, capped at restart_backoff_max_ms.
  // A worker that lived kStableRunMs resets its slot's count;
  // crash_loop_threshold quick crashes in a row log "crash loop" and wait the
  // maximum.
  void schedule_respawn(const Worker& worker, int64_t now);
  // Starts a worker of `active` in each slot whose back-off is over.
  void respawn_due(const Generation& active, int64_t now);
  // One healthy slot per worker the configuration asks for (a new generation serves).
  void reset_slots();

  // Drains every worker of `generation`: SIGTERM to a ready one, SIGKILL to
  // one that never accepted anything; each must exit by a deadline.
  void drain_generation(uint64_t generation, int64_t now);
  // Stops every worker: SIGQUIT (fast) or SIGTERM (graceful), with a deadline.
  void stop_all(bool fast, int64_t now);
  // SIGKILL to every worker past its deadline.
  void kill_overdue(int64_t now);

  // The earliest respawn or kill deadline, or `bound` if none is earlier.
  int64_t next_deadline_ms(int64_t bound) const;
  const std::map<pid_t, Worker>& workers() const { return workers_; }

 private:
  struct SlotHealth {
    int consecutive_crashes = 0;
    int64_t respawn_at_ms = 0;
    bool waiting = false;
  };

  int slot_count() const { return config_.workers + 1; }  // request workers + background
  WorkerRole slot_role(int slot) const {
    return slot < config_.workers ? WorkerRole::kRequest : WorkerRole::kBackground;
  }
  bool spawn(const Generation& gen, WorkerRole role, int slot);
  void drain(Worker& worker, int64_t now);

  std::string config_path_;
  const HostConfig& config_;
  const Logger& log_;
  const SharedMetrics& metrics_;
  int listen_fd_;
  std::map<pid_t, Worker> workers_;
  std::vector<SlotHealth> slots_;
};

}  // namespace bazaar::host
