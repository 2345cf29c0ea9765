// The background task that runs due durable timers (see timer_store.h for the
// claim / complete / fail protocol and its guarantees).
//
// One round scans every shard and then meta: it claims a bounded batch of due
// timers (host clock), calls each one's handler outside any transaction, then
// deletes the timer (success) or releases it for a retry after an exponential
// back-off (failure). A timer whose plugin or kind has no handler in this
// process is released the same way with last_error "no handler ...", never
// deleted: the plugin may come back with the next reload.
#pragma once

#include <bazaar/plugin.h>

#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <string_view>

#include "common/background_task.h"
#include "common/clock.h"
#include "common/logger.h"
#include "common/shared_metrics.h"
#include "services/storage/shard_set.h"
#include "services/timers/timer_store.h"

namespace bazaar::host {

struct TimerRunnerOptions {
  int64_t poll_ms = 1000;            // wait between rounds that found nothing more to do
  int64_t lease_ms = 60'000;         // a handler must finish within this
  int64_t backoff_min_ms = 1000;     // first retry delay; doubles per attempt
  int64_t backoff_max_ms = 300'000;  // cap
  size_t batch = 64;                 // timers claimed per database per round
  int64_t round_budget_ms = 500;     // no new claim after this long in one round (prompt drains)
};

struct TimerOutcome {
  enum class Kind { kDone, kFailed, kNoHandler };
  Kind kind = Kind::kDone;
  std::string error;  // for kFailed and kNoHandler
};

// Runs a claimed timer's handler. Implementations are called from the runner's
// thread only.
class TimerHandlers {
 public:
  virtual ~TimerHandlers() = default;
  virtual TimerOutcome run(std::string_view plugin, const bz_timer& timer) = 0;
};

class TimerRunner final : public BackgroundTask {
 public:
  // Everything passed by reference must outlive the runner. metrics may be null.
  TimerRunner(ShardSet& shards, const Clock& clock, const Logger& logger,
              const SharedMetrics* metrics, std::unique_ptr<TimerHandlers> handlers,
              TimerRunnerOptions options);

  std::string name() const override { return "timers"; }
  int64_t run_once() override;

 private:
  // Claims and runs one batch on one database; true if the batch was full.
  bool run_database(Lease& lease, uint32_t shard);
  void run_timer(Database& db, uint32_t shard, const ClaimedTimer& timer);
  int64_t next_token();

  ShardSet& shards_;
  const Clock& clock_;
  const Logger& logger_;
  const SharedMetrics* metrics_;
  std::unique_ptr<TimerHandlers> handlers_;
  TimerRunnerOptions options_;
  std::mt19937_64 tokens_;
};

}  // namespace bazaar::host
