#include "services/events/replay_server.h"

#include <zmq.hpp>
#include <zmq_addon.hpp>

#include <vector>

#include "services/events/outbox_store.h"

namespace bazaar::host {
namespace {
constexpr int kPollMs = 200;

bool parse_u64(const zmq::message_t& m, uint64_t& out) {
  std::string_view s(static_cast<const char*>(m.data()), m.size());
  if (s.empty() || s.size() > 20) return false;
  out = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    out = out * 10 + static_cast<uint64_t>(c - '0');
  }
  return true;
}
}  // namespace

ReplayServer::ReplayServer(std::shared_ptr<zmq::context_t> ctx, const std::string& endpoint,
                           const HostServices& services, uint32_t node)
    : ctx_(std::move(ctx)),
      router_(std::make_unique<zmq::socket_t>(*ctx_, zmq::socket_type::router)),
      services_(services),
      node_(node),
      replayed_(services.metrics->counter("bazaar_events_replayed_total")) {
  router_->set(zmq::sockopt::linger, 0);
  router_->bind(endpoint);
}

ReplayServer::~ReplayServer() = default;

int64_t ReplayServer::run_once() {
  zmq::pollitem_t item{static_cast<void*>(*router_), 0, ZMQ_POLLIN, 0};
  zmq::poll(&item, 1, std::chrono::milliseconds(kPollMs));
  if ((item.revents & ZMQ_POLLIN) == 0) return 0;

  std::vector<zmq::message_t> request;
  if (!zmq::recv_multipart(*router_, std::back_inserter(request), zmq::recv_flags::dontwait)) return 0;
  // [identity]["replay"][nonce][shard][from][max]
  uint64_t shard = 0;
  uint64_t from = 0;
  uint64_t max = 0;
  std::vector<zmq::message_t> reply;
  if (request.size() != 6 || request[1].to_string_view() != "replay" ||
      !parse_u64(request[3], shard) || !parse_u64(request[4], from) || !parse_u64(request[5], max)) {
    if (request.empty()) return 0;
    reply.emplace_back(request[0].data(), request[0].size());
    reply.emplace_back(std::string_view("error"));
    reply.emplace_back(request.size() > 2 ? request[2].to_string_view() : std::string_view("0"));
    reply.emplace_back(std::string_view("malformed replay request"));
    zmq::send_multipart(*router_, reply);
    return 0;
  }
  uint32_t origin = static_cast<uint32_t>(shard);
  auto lease = services_.shards->database(origin);
  reply.emplace_back(request[0].data(), request[0].size());
  if (!lease.ok()) {
    reply.emplace_back(std::string_view("error"));
    reply.emplace_back(request[2].to_string_view());
    reply.emplace_back(lease.error().message());
  } else {
    auto events = outbox::read_from(**lease, from, std::min<uint64_t>(max, kMaxBatch), node_, origin);
    if (!events.ok()) {
      reply.emplace_back(std::string_view("error"));
      reply.emplace_back(request[2].to_string_view());
      reply.emplace_back(events.error().message());
    } else {
      reply.emplace_back(std::string_view("ok"));
      reply.emplace_back(request[2].to_string_view());
      for (const WireEvent& e : *events) reply.emplace_back(encode_event(e));
      replayed_.add(events->size());
    }
  }
  zmq::send_multipart(*router_, reply);
  return 0;
}

}  // namespace bazaar::host
