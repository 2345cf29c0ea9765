// Broadcast signals: best-effort messages to every worker of every node
// ("rule set 7 changed", "drop cached template 12"). Unlike events they are
// not persisted, sequenced or replayed: a worker that is starting or too slow
// misses them, so receivers treat them as hints and also reconcile
// periodically. Frames: ["s:" + topic] [payload JSON].
#pragma once

#include <bazaar/result.hpp>

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "common/background_task.h"
#include "services/events/zmq_fwd.h"
#include "services/host_services.h"


namespace bazaar::host {

// One per process; publish() may be called from any thread.
class SignalPublisher {
 public:
  explicit SignalPublisher(const std::string& publish_endpoint);
  ~SignalPublisher();
  Status publish(std::string_view topic, std::string_view payload);

 private:
  std::unique_ptr<zmq::context_t> ctx_;
  std::unique_ptr<zmq::socket_t> pub_;
  std::mutex mu_;
};

struct SignalHandler {
  std::string prefix;
  bz_event_fn handler = nullptr;
  void* plugin_ctx = nullptr;
  std::string plugin;
  uint32_t abi_version = BZ_ABI_VERSION;  // the plugin's: which bz_event layout it reads
};

// Background task (on every worker): receives signals and calls the handlers.
class SignalListener final : public BackgroundTask {
 public:
  SignalListener(const std::string& subscribe_endpoint, const HostServices& services,
                 std::vector<SignalHandler> handlers);
  ~SignalListener() override;
  std::string name() const override { return "signal-listener"; }
  int64_t run_once() override;

 private:
  std::unique_ptr<zmq::context_t> ctx_;
  std::unique_ptr<zmq::socket_t> sub_;
  const HostServices& services_;
  std::vector<SignalHandler> handlers_;
  SharedMetrics::Counter received_;
};

}  // namespace bazaar::host
