#include "services/events/signal_bus.h"

#include <zmq.hpp>
#include <zmq_addon.hpp>

#include "common/plugin_abi_compat.h"

namespace bazaar::host {
namespace {
constexpr std::string_view kSignalFramePrefix = "s:";
constexpr int kPollMs = 200;
}  // namespace

SignalPublisher::SignalPublisher(const std::string& publish_endpoint)
    : ctx_(std::make_unique<zmq::context_t>(1)),
      pub_(std::make_unique<zmq::socket_t>(*ctx_, zmq::socket_type::pub)) {
  pub_->set(zmq::sockopt::linger, 0);
  pub_->connect(publish_endpoint);
}

SignalPublisher::~SignalPublisher() = default;

Status SignalPublisher::publish(std::string_view topic, std::string_view payload) {
  std::string frame = std::string(kSignalFramePrefix) + std::string(topic);
  std::lock_guard lock(mu_);
  try {
    pub_->send(zmq::buffer(frame), zmq::send_flags::sndmore);
    pub_->send(zmq::buffer(payload), zmq::send_flags::none);
  } catch (const zmq::error_t& e) {
    return unavailable("BUS_UNAVAILABLE", e.what());
  }
  return ok_status();
}

#include "common/plugin_abi_compat.h"

SignalListener::SignalListener(const std::string& subscribe_endpoint, const HostServices& services,
                               std::vector<SignalHandler> handlers)
    : ctx_(std::make_unique<zmq::context_t>(1)),
      sub_(std::make_unique<zmq::socket_t>(*ctx_, zmq::socket_type::sub)),
      services_(services),
      handlers_(std::move(handlers)),
      received_(services.metrics->counter("bazaar_signals_received_total")) {
  sub_->set(zmq::sockopt::linger, 0);
  sub_->set(zmq::sockopt::subscribe, std::string(kSignalFramePrefix));
  sub_->connect(subscribe_endpoint);
}

SignalListener::~SignalListener() = default;

int64_t SignalListener::run_once() {
  zmq::pollitem_t item{static_cast<void*>(*sub_), 0, ZMQ_POLLIN, 0};
  zmq::poll(&item, 1, std::chrono::milliseconds(kPollMs));
  for (int i = 0; i < 100 && (item.revents & ZMQ_POLLIN) != 0; ++i) {
    std::vector<zmq::message_t> frames;
    if (!zmq::recv_multipart(*sub_, std::back_inserter(frames), zmq::recv_flags::dontwait)) break;
    if (frames.size() != 2) continue;
    std::string_view topic = frames[0].to_string_view().substr(kSignalFramePrefix.size());
    std::string_view payload = frames[1].to_string_view();
    received_.add();
    for (const SignalHandler& h : handlers_) {
      if (!topic.starts_with(h.prefix)) continue;
      bz_event ev = make_event(topic, payload, 0, 0, 0, services_.clock->now_ms());
      char err[256] = {0};
      if (call_event_handler(h.handler, h.plugin_ctx, h.abi_version, ev, nullptr, err, sizeof(err)) !=
          BZ_OK) {
        err[sizeof(err) - 1] = '\0';
        services_.logger->log(BZ_LOG_WARN, "signal handler failed",
                              {{"plugin", h.plugin}, {"topic", topic}, {"error", std::string_view(err)}});
      }
    }
  }
  return 0;
}

}  // namespace bazaar::host
