// FastCGI request threads on the node's shared listen socket.
//
// Connections are not tied to threads. Each worker process has one epoll set,
// shared by its threads, holding the listen socket (EPOLLEXCLUSIVE: a new
// connection wakes one process, not all of them), a stop eventfd, and every
// connection nginx keeps open between requests (`fastcgi_keep_conn on`),
// armed EPOLLONESHOT so exactly one thread takes a connection's next request.
// A thread takes whatever is ready (accepts, or reads the next request of a
// kept connection), serves one request with libfcgi, then closes the
// connection if nginx did not ask to keep it, or parks it back in the set. An
// idle kept connection therefore holds a file descriptor, never a thread.
// (libfcgi on its own blocks the thread on a kept connection until its next
// request: with more upstream connections than threads, requests queue behind
// idle connections for seconds; docs/ARCHITECTURE.md, "FastCGI keep-alive".)
//
// A new connection whose request has not arrived within 5 ms is parked too,
// so a client that connects and sends nothing holds no thread either.
//
// Draining: stop_accepting() takes the listen socket out of the set. Threads go
// on serving requests that arrive on connections already open and leave once
// nginx has closed them all. The server never closes a kept connection on its
// own: nginx may be writing a request into it at that moment, and it does not
// retry a POST that failed on a connection it reused (502). nginx closes kept
// connections itself (upstream `keepalive_time` and `keepalive_timeout` in
// conf/nginx.conf.in), which bounds a drain; drain_timeout_ms bounds it again.
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
  // Stops accepting; threads serve what arrives on open connections and exit
  // once nginx has closed them all. Idempotent; call it from one thread.
  void stop_accepting();
  // Waits until every thread has exited or the timeout passes; true if all exited.
  bool wait_stopped(int64_t timeout_ms);
  int in_flight() const { return in_flight_.load(); }
  // Connections accepted and not closed yet: in service, or kept by nginx between requests.
  int open_connections() const { return open_.load(); }

 private:
  struct Connection;
  void serve(int thread_index);
  bool on_stop();  // true: this thread leaves
  Connection* accept_one();    // null: nothing to accept
  bool accept_connections();  // false: nothing was accepted
  void serve_connection(Connection* conn);
  void park(Connection* conn);
  void forget(Connection* conn);  // closes it if libfcgi has not, and frees it

  int listen_fd_;
  int thread_count_;
  const Dispatcher& dispatcher_;
  const Logger& logger_;
  int epoll_fd_ = -1;
  int stop_fd_ = -1;
  // Tags of the two descriptors in the epoll set that are not connections.
  char listen_tag_ = 0;
  char stop_tag_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> draining_{false};  // the listen socket is out of the set
  std::atomic<int> in_flight_{0};
  std::atomic<int> open_{0};
  std::vector<std::thread> threads_;
  std::mutex mu_;
  std::condition_variable cv_;
  int running_ = 0;
};

}  // namespace bazaar::host
