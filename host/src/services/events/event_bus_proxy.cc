#include "services/events/event_bus_proxy.h"

#include <zmq.hpp>

namespace bazaar::host {

EventBusProxy::EventBusProxy() = default;

EventBusProxy::~EventBusProxy() { stop(); }

Status EventBusProxy::start(const BusEndpoints& endpoints) {
  try {
    ctx_ = std::make_unique<zmq::context_t>(1);
    auto frontend = std::make_shared<zmq::socket_t>(*ctx_, zmq::socket_type::xsub);
    auto backend = std::make_shared<zmq::socket_t>(*ctx_, zmq::socket_type::xpub);
    // Subscribers recover drops by replay, but a generous HWM keeps them rare.
    frontend.get()->set(zmq::sockopt::rcvhwm, 200000);
    backend.get()->set(zmq::sockopt::sndhwm, 200000);
    frontend->bind(endpoints.publish);
    backend->bind(endpoints.subscribe);
    thread_ = std::thread([frontend, backend] {
      try {
        zmq::proxy(zmq::socket_ref(*frontend), zmq::socket_ref(*backend));
      } catch (const zmq::error_t&) {
        // ETERM: the context was shut down by stop().
      }
      frontend->close();
      backend->close();
    });
  } catch (const zmq::error_t& e) {
    return internal_error(std::string("event bus: ") + e.what());
  }
  return ok_status();
}

void EventBusProxy::stop() {
  if (ctx_) ctx_->shutdown();
  if (thread_.joinable()) thread_.join();
  ctx_.reset();
}

}  // namespace bazaar::host
