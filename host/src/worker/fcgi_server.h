// FastCGI request threads on the node's shared listen socket.
//
// Every worker process inherits the same non-blocking listen socket. Each
// thread waits in its own epoll set with EPOLLEXCLUSIVE on the socket (so one
// connection wakes one thread, not all of them) and on a stop eventfd, then
// calls FCGX_Accept_r, which answers -EAGAIN when another thread or process
// won the race. stop_accepting() wakes every thread; a thread that was woken
// for a connection still serves it before leaving, so no accepted connection is
// ever dropped during a drain.
//
// nginx must use `fastcgi_keep_conn off`: libfcgi serves one request per
// connection and cannot multiplex (see docs/ARCHITECTURE.md).
#pragma once

#include <bazaar/result.hpp>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

#include "common/logger.h"
#include "worker/dispatcher.h"

namespace bazaar::host {

class FcgiServer {
 public:
  FcgiServer(int listen_fd, int threads, const Dispatcher& dispatcher, const Logger& logger);
  ~FcgiServer();
  FcgiServer(const FcgiServer&) = delete;
  FcgiServer& operator=(const FcgiServer&) = delete;

  Status start();
  // Threads finish the request in hand and exit; idempotent, async-safe to call once.
  void stop_accepting();
  // Waits until every thread has exited or the timeout passes; true if all exited.
  bool wait_stopped(int64_t timeout_ms);
  int in_flight() const { return in_flight_.load(); }

 private:
  void serve(int thread_index);

  int listen_fd_;
  int thread_count_;
  const Dispatcher& dispatcher_;
  const Logger& logger_;
  int stop_fd_ = -1;
  std::atomic<bool> stopping_{false};
  std::atomic<int> in_flight_{0};
  std::vector<std::thread> threads_;
  std::mutex mu_;
  std::condition_variable cv_;
  int running_ = 0;
};

}  // namespace bazaar::host
