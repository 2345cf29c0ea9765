#include "services/timers/timer_runner.h"

#include <algorithm>
#include <chrono>

#include "common/plugin_abi_compat.h"

namespace bazaar::host {
namespace {

int64_t mono_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

const char* result_label(TimerOutcome::Kind kind) {
  switch (kind) {
    case TimerOutcome::Kind::kDone: return "ok";
    case TimerOutcome::Kind::kFailed: return "failed";
    case TimerOutcome::Kind::kNoHandler: return "no_handler";
  }
  return "failed";
}

}  // namespace

TimerRunner::TimerRunner(ShardSet& shards, const Clock& clock, const Logger& logger,
                         const SharedMetrics* metrics, std::unique_ptr<TimerHandlers> handlers,
                         TimerRunnerOptions options)
    : shards_(shards),
      clock_(clock),
      logger_(logger),
      metrics_(metrics),
      handlers_(std::move(handlers)),
      options_(options),
      tokens_(std::random_device{}()) {}

int64_t TimerRunner::next_token() {
  // Positive and unique with overwhelming probability across runners; a
  // collision would need two runners to draw the same 63 bits for one row.
  int64_t token = 0;
  while (token == 0) token = static_cast<int64_t>(tokens_() >> 1);
  return token;
}

int64_t TimerRunner::run_once() {
  const int64_t started = mono_ms();
  bool more = false;
  for (size_t i = 0; i < shards_.database_count(); ++i) {
    if (mono_ms() - started > options_.round_budget_ms) return 0;  // the rest next round
    const uint32_t database = shards_.database_at(i);
    auto lease = shards_.database(database);
    if (!lease.ok()) {
      logger_.log(BZ_LOG_WARN, "timers: cannot open database",
                  {{"shard", static_cast<int64_t>(i)}, {"error", lease.error().message()}});
      continue;
    }
    if (run_database(*lease, database)) more = true;
  }
  return more ? 0 : options_.poll_ms;
}

bool TimerRunner::run_database(Lease& lease, uint32_t shard) {
  const int64_t token = next_token();
  auto claimed = claim_due_timers(*lease, clock_.now_ms(), options_.lease_ms, options_.batch, token);
  if (!claimed.ok()) {
    logger_.log(BZ_LOG_WARN, "timers: claim failed",
                {{"shard", int64_t{shard}}, {"error", claimed.error().message()}});
    return false;
  }
  for (const ClaimedTimer& t : *claimed) {
    // A claim whose lease ran out (slow handlers earlier in the batch) may
    // already be another runner's: leave it to whoever claims it next.
    if (clock_.now_ms() >= t.lease_until_ms) continue;
    run_timer(*lease, shard, t);
  }
  return claimed->size() >= options_.batch;
}

void TimerRunner::run_timer(Database& db, uint32_t shard, const ClaimedTimer& t) {
  const int64_t now = clock_.now_ms();
  bz_timer view = make_timer(t.kind, t.key, t.payload, t.due_ms, shard, t.attempt);
  TimerOutcome outcome = handlers_->run(t.plugin, view);
  if (metrics_ != nullptr) {
    metrics_->histogram("bazaar_timer_lag_seconds")
        .observe_us(static_cast<uint64_t>(std::max<int64_t>(now - t.due_ms, 0)) * 1000u);
    metrics_
        ->counter("bazaar_timers_run_total",
                  SharedMetrics::label("plugin", t.plugin) + "," +
                      SharedMetrics::label("kind", t.kind) + "," +
                      SharedMetrics::label("result", result_label(outcome.kind)))
        .add();
  }

  if (outcome.kind == TimerOutcome::Kind::kDone) {
    auto done = complete_timer(db, t);
    if (!done.ok()) {
      // The row keeps its claim; it runs again when the lease ends (at-least-once).
      logger_.log(BZ_LOG_WARN, "timers: completing a timer failed",
                  {{"plugin", t.plugin}, {"kind", t.kind}, {"key", t.key},
                   {"error", done.error().message()}});
    }
    return;
  }
  if (outcome.kind == TimerOutcome::Kind::kNoHandler) {
    outcome.error = "no handler for timer kind '" + t.kind + "' of plugin '" + t.plugin +
                    "' in this process";
  }
  int64_t delay = timer_backoff_ms(t.attempt, options_.backoff_min_ms, options_.backoff_max_ms);
  auto failed = fail_timer(db, t, clock_.now_ms() + delay, outcome.error);
  logger_.log(BZ_LOG_WARN, "timer failed; will retry",
              {{"plugin", t.plugin}, {"kind", t.kind}, {"key", t.key},
               {"attempt", int64_t{t.attempt}}, {"retry_in_ms", delay},
               {"error", outcome.error}});
  if (!failed.ok()) {
    logger_.log(BZ_LOG_WARN, "timers: recording a failure failed",
                {{"plugin", t.plugin}, {"kind", t.kind}, {"key", t.key},
                 {"error", failed.error().message()}});
  }
}

}  // namespace bazaar::host
