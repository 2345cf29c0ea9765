// Work the background worker does that is not a request: due timers, the
// outbox relay, event consumers. Each task runs on its own thread in a loop of
// run_once() calls until the worker drains.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/logger.h"

namespace bazaar::host {

class BackgroundTask {
 public:
  virtual ~BackgroundTask() = default;
  virtual std::string name() const = 0;
  // One round of work. Returns how long to wait before the next round, in ms
  // (0: go again at once). Must not throw; should return within ~1 s so a
  // drain is prompt.
  virtual int64_t run_once() = 0;
};

class BackgroundLoop {
 public:
  BackgroundLoop(std::vector<std::unique_ptr<BackgroundTask>> tasks, const Logger& logger);
  ~BackgroundLoop();
  BackgroundLoop(const BackgroundLoop&) = delete;
  BackgroundLoop& operator=(const BackgroundLoop&) = delete;

  void start();
  // Ends every task's loop after its current round; waits up to timeout_ms.
  // True when every thread has finished.
  bool stop(int64_t timeout_ms);
  // Cuts every task's current wait short (new work is known to exist).
  void wake();

 private:
  void run(BackgroundTask& task);

  std::vector<std::unique_ptr<BackgroundTask>> tasks_;
  const Logger& logger_;
  std::vector<std::thread> threads_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  uint64_t wakes_ = 0;
  int running_ = 0;
  std::condition_variable done_cv_;
};

}  // namespace bazaar::host
