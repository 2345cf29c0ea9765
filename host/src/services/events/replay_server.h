// Background task: answers replay requests (the zguide Clone pattern's state
// request) from any database's outbox, over a ROUTER socket.
#pragma once

#include <memory>
#include <string>

#include "common/background_task.h"
#include "services/events/zmq_fwd.h"
#include "services/host_services.h"


namespace bazaar::host {

class ReplayServer final : public BackgroundTask {
 public:
  static constexpr size_t kMaxBatch = 1000;

  ReplayServer(std::shared_ptr<zmq::context_t> ctx, const std::string& endpoint,
               const HostServices& services, uint32_t node);
  ~ReplayServer() override;
  std::string name() const override { return "replay-server"; }
  int64_t run_once() override;

 private:
  std::shared_ptr<zmq::context_t> ctx_;
  std::unique_ptr<zmq::socket_t> router_;
  const HostServices& services_;
  uint32_t node_;
  SharedMetrics::Counter replayed_;
};

}  // namespace bazaar::host
