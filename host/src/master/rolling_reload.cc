// The master's rolling reload (docs/ARCHITECTURE.md, "Rolling reload"): a new
// generation is prepared and its workers start beside the serving ones; it
// takes over when all are ready (commit_pending), or is stopped while the
// old one keeps serving (fail_pending).
#include "master/master.h"

#include <nlohmann/json.hpp>

#include "common/clock.h"
#include "master/plugin_staging.h"

namespace bazaar::host {

void Master::begin_reload(int waiter_fd) {
  if (waiter_fd >= 0) control_->wait_for_reload(waiter_fd);
  if (phase_ != Phase::kServing) {
    if (phase_ == Phase::kStopping) {
      control_->answer_waiters(R"({"ok":false,"error":"the host is stopping"})");
    }
    return;  // while starting, waiters get the start's outcome
  }
  if (pending_) return;  // joins the reload already under way

  auto fresh = load_config(config_path_, process_env());
  if (!fresh.ok()) {
    fail_pending("configuration not reloaded: " + fresh.error().message());
    return;
  }
  // Sockets and the state folder belong to the running master; the rest applies.
  for (auto [now, then, key] :
       {std::tuple{&fresh->listen_socket, &config_.listen_socket, "listen_socket"},
        std::tuple{&fresh->control_socket, &config_.control_socket, "control_socket"},
        std::tuple{&fresh->state_dir, &config_.state_dir, "state_dir"},
        std::tuple{&fresh->log_file, &config_.log_file, "log_file"}}) {
    if (*now != *then) {
      log_->log(BZ_LOG_WARN, "setting needs a restart to change; keeping the running value",
                {{"key", std::string_view(key)}});
      *now = *then;
    }
  }
  if (fresh->listen_backlog != config_.listen_backlog || fresh->listen_mode != config_.listen_mode) {
    log_->log(BZ_LOG_WARN, "listen_backlog/listen_mode need a restart to change");
  }
  auto gen = prepare_generation(next_generation_++, config_path_, *fresh);
  if (!gen.ok()) {
    fail_pending("reload refused: " + gen.error().message());
    return;
  }
  if (!gen->manifest.refused.empty()) {
    // At reload the new set is all or nothing: a bad upload never silently
    // drops a plugin that is serving now.
    std::string reason = "reload refused: ";
    for (const auto& r : gen->manifest.refused) reason += r.file + ": " + r.reason + "; ";
    fail_pending(reason);
    return;
  }
  config_ = std::move(*fresh);
  start_generation(std::move(*gen));
}

bool Master::start_generation(Generation gen) {
  pending_ = std::move(gen);
  pending_deadline_ms_ = monotonic_ms() + config_.ready_timeout_ms;
  log_->log(BZ_LOG_INFO, "starting generation",
            {{"generation", static_cast<int64_t>(pending_->id)},
             {"plugins", static_cast<int64_t>(pending_->manifest.plugins.size())}});
  if (!supervisor_->spawn_generation(*pending_)) {
    fail_pending("cannot start workers");
    return false;
  }
  return true;
}

void Master::commit_pending() {
  int64_t now = monotonic_ms();
  if (active_) {
    for (const auto& p : active_->manifest.plugins) {
      metrics_->gauge("bazaar_plugin_loaded", SharedMetrics::label("plugin", p.name) + "," +
                                                  SharedMetrics::label("version", p.version))
          .set(0);
    }
    supervisor_->drain_generation(active_->id, now);
  }
  active_ = std::move(pending_);
  pending_.reset();
  supervisor_->reset_slots();
  for (const auto& p : active_->manifest.plugins) {
    metrics_->gauge("bazaar_plugin_loaded", SharedMetrics::label("plugin", p.name) + "," +
                                                SharedMetrics::label("version", p.version))
        .set(1);
  }
  metrics_->gauge("bazaar_generation").set(static_cast<int64_t>(active_->id));
  metrics_->counter("bazaar_reloads_total", SharedMetrics::label("result", "ok")).add(
      phase_ == Phase::kServing ? 1 : 0);
  log_->log(BZ_LOG_INFO, phase_ == Phase::kStarting ? "serving" : "reloaded",
            {{"generation", static_cast<int64_t>(active_->id)}});
  phase_ = Phase::kServing;
  publish_node_state();
  control_->answer_waiters(nlohmann::json{{"ok", true}, {"generation", active_->id}}.dump());
  prune_state();
}

void Master::fail_pending(const std::string& reason) {
  int64_t now = monotonic_ms();
  if (pending_) {
    supervisor_->drain_generation(pending_->id, now);
    pending_.reset();
  }
  metrics_->counter("bazaar_reloads_total", SharedMetrics::label("result", "failed")).add();
  log_->log(BZ_LOG_ERROR, "generation not rolled; the running workers keep serving",
            {{"reason", reason}});
  control_->answer_waiters(nlohmann::json{{"ok", false}, {"error", reason}}.dump());
  if (phase_ == Phase::kStarting) {
    exit_code_ = 1;
    begin_stop(true);
    return;
  }
  prune_state();  // the refused generation's new copies and manifests
}

void Master::prune_state() {
  if (!active_) return;
  std::vector<std::string> plugins, manifests;
  for (const auto* gen : {&active_, &pending_}) {
    if (!*gen) continue;
    manifests.push_back((*gen)->manifest_path);
    for (const auto& p : (*gen)->manifest.plugins) plugins.push_back(p.path);
  }
  for (const std::string& path : prune_staged_plugins(config_.state_dir, plugins)) {
    log_->log(BZ_LOG_INFO, "removed a staged plugin copy no generation loads", {{"file", path}});
  }
  for (const std::string& path : prune_manifests(config_.state_dir, manifests)) {
    log_->log(BZ_LOG_DEBUG, "removed a manifest no generation uses", {{"file", path}});
  }
}

}  // namespace bazaar::host
