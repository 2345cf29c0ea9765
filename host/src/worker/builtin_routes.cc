#include "worker/builtin_routes.h"

#include <nlohmann/json.hpp>

namespace bazaar::host {
namespace {

void reply(bz_response* resp, int status, const std::string& body) {
  resp->status = status;
  resp->body = body;
}

bz_status healthz(void*, const bz_request*, bz_response* resp) {
  reply(resp, 200, R"({"status":"ok"})");
  return BZ_OK;
}

// Ready when this worker serves a loaded plugin set, the node is not stopping,
// and the master counts at least one ready request worker of the active generation.
bz_status readyz(void* ctx, const bz_request*, bz_response* resp) {
  auto* st = static_cast<BuiltinState*>(ctx);
  const NodeState& node = st->metrics->node();
  bool accepting = node.accepting.load() != 0;
  uint32_t ready = node.ready_workers.load();
  bool ok = accepting && ready > 0 && !st->draining.load();
  nlohmann::json doc = {{"status", ok ? "ready" : "not_ready"},
                        {"generation", node.active_generation.load()},
                        {"workers_ready", ready},
                        {"workers_expected", node.expected_workers.load()},
                        {"plugins", st->plugins->plugins().size()}};
  reply(resp, ok ? 200 : 503, doc.dump());
  return BZ_OK;
}

bz_status metrics(void* ctx, const bz_request*, bz_response* resp) {
  auto* st = static_cast<BuiltinState*>(ctx);
  reply(resp, 200, st->metrics->render());
  resp->headers.emplace_back("Content-Type", "text/plain; version=0.0.4");
  return BZ_OK;
}

bz_status admin_plugins(void* ctx, const bz_request*, bz_response* resp) {
  auto* st = static_cast<BuiltinState*>(ctx);
  nlohmann::json loaded = nlohmann::json::array();
  for (const auto& p : st->plugins->plugins()) {
    nlohmann::json routes = nlohmann::json::array();
    for (size_t i = 0; i < p.def->route_count; ++i) {
      routes.push_back(std::string(p.def->routes[i].method) + " " + p.def->routes[i].pattern);
    }
    loaded.push_back({{"name", p.info.name},
                      {"version", p.info.version},
                      {"sha256", p.info.sha256},
                      {"source", p.info.source},
                      {"abi", std::to_string(p.def->abi_version >> 16) + "." +
                                  std::to_string(p.def->abi_version & 0xFFFF)},
                      {"routes", routes}});
  }
  nlohmann::json refused = nlohmann::json::array();
  for (const auto& r : st->manifest->refused) refused.push_back({{"file", r.file}, {"reason", r.reason}});
  for (const auto& r : st->plugins->refused()) refused.push_back({{"file", r.file}, {"reason", r.reason}});
  nlohmann::json doc = {{"generation", st->manifest->generation},
                        {"plugins", loaded},
                        {"refused", refused}};
  reply(resp, 200, doc.dump());
  return BZ_OK;
}

}  // namespace

std::vector<BuiltinRoute> builtin_route_patterns() {
  return {{"GET", "/healthz"}, {"GET", "/readyz"}, {"GET", "/metrics"},
          {"GET", "/api/v1/admin/plugins"}};
}

std::vector<RouteSpec> builtin_routes(BuiltinState* state) {
  return {
      {"GET", "/healthz", BZ_ROLE_PUBLIC, &healthz, state, "host"},
      {"GET", "/readyz", BZ_ROLE_PUBLIC, &readyz, state, "host"},
      {"GET", "/metrics", BZ_ROLE_PUBLIC, &metrics, state, "host"},
      {"GET", "/api/v1/admin/plugins", BZ_ROLE_OPS, &admin_plugins, state, "host"},
  };
}

}  // namespace bazaar::host
