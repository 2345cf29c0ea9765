#include "common/background_task.h"

#include <chrono>

namespace bazaar::host {

BackgroundLoop::BackgroundLoop(std::vector<std::unique_ptr<BackgroundTask>> tasks,
                               const Logger& logger)
    : tasks_(std::move(tasks)), logger_(logger) {}

BackgroundLoop::~BackgroundLoop() {
  stop(0);
  for (auto& t : threads_) {
    if (t.joinable()) t.detach();  // only after a timed-out stop; the process is exiting
  }
}

void BackgroundLoop::start() {
  std::lock_guard lock(mu_);
  running_ = static_cast<int>(tasks_.size());
  for (auto& task : tasks_) threads_.emplace_back([this, t = task.get()] { run(*t); });
}

bool BackgroundLoop::stop(int64_t timeout_ms) {
  std::unique_lock lock(mu_);
  stopping_ = true;
  cv_.notify_all();
  bool done = done_cv_.wait_for(lock, std::chrono::milliseconds(timeout_ms),
                                [&] { return running_ == 0; });
  lock.unlock();
  if (done) {
    for (auto& t : threads_) {
      if (t.joinable()) t.join();
    }
  }
  return done;
}

void BackgroundLoop::wake() {
  std::lock_guard lock(mu_);
  ++wakes_;
  cv_.notify_all();
}

void BackgroundLoop::run(BackgroundTask& task) {
  logger_.log(BZ_LOG_INFO, "background task started", {{"task", task.name()}});
  for (;;) {
    int64_t wait_ms = task.run_once();
    std::unique_lock lock(mu_);
    if (stopping_) break;
    uint64_t seen = wakes_;
    cv_.wait_for(lock, std::chrono::milliseconds(wait_ms), [&] { return stopping_ || wakes_ != seen; });
    if (stopping_) break;
  }
  std::lock_guard lock(mu_);
  if (--running_ == 0) done_cv_.notify_all();
}

}  // namespace bazaar::host
