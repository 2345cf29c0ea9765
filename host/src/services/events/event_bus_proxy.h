// The node's event bus: an XSUB/XPUB proxy the master runs on its own thread.
// Relays (PUB) connect to `publish`, consumers and signal listeners (SUB)
// connect to `subscribe`. Federation = another node's proxy connecting here.
#pragma once

#include <bazaar/result.hpp>

#include <memory>
#include <thread>

#include "services/events/event_wire.h"
#include "services/events/zmq_fwd.h"


namespace bazaar::host {

class EventBusProxy {
 public:
  EventBusProxy();
  ~EventBusProxy();
  EventBusProxy(const EventBusProxy&) = delete;
  EventBusProxy& operator=(const EventBusProxy&) = delete;

  // Binds both endpoints and starts forwarding.
  Status start(const BusEndpoints& endpoints);
  // Stops forwarding and joins the thread. Idempotent.
  void stop();

 private:
  std::unique_ptr<zmq::context_t> ctx_;
  std::thread thread_;
};

}  // namespace bazaar::host
