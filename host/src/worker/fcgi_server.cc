#include "worker/fcgi_server.h"

#include <fcgiapp.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <string>

namespace bazaar::host {
namespace {

constexpr int kFirstBytesWaitMs = 5;  // for a new connection's request, before parking it

class FcgiParams final : public ParamSource {
 public:
  explicit FcgiParams(FCGX_ParamArray envp) : envp_(envp) {}
  const char* get(const char* name) const override { return FCGX_GetParam(name, envp_); }

 private:
  FCGX_ParamArray envp_;
};

class FcgiBody final : public BodyReader {
 public:
  explicit FcgiBody(FCGX_Stream* in) : in_(in) {}
  size_t read(char* buf, size_t n) override {
    int got = FCGX_GetStr(buf, static_cast<int>(n), in_);
    return got > 0 ? static_cast<size_t>(got) : 0;
  }

 private:
  FCGX_Stream* in_;
};

std::string_view param(const FcgiParams& p, const char* name) {
  const char* v = p.get(name);
  return v == nullptr ? std::string_view{} : std::string_view{v};
}

// nginx's $msec: "1700000000.123".
int64_t parse_msec(std::string_view s) {
  int64_t secs = 0;
  int64_t ms = 0;
  size_t i = 0;
  for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) secs = secs * 10 + (s[i] - '0');
  if (i < s.size() && s[i] == '.') {
    int digits = 0;
    for (++i; i < s.size() && s[i] >= '0' && s[i] <= '9' && digits < 3; ++i, ++digits) {
      ms = ms * 10 + (s[i] - '0');
    }
    while (digits++ < 3) ms *= 10;
  }
  return secs > 0 ? secs * 1000 + ms : 0;
}

const char* reason_phrase(int status) {
  switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 413: return "Payload Too Large";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Entity";
    case 429: return "Too Many Requests";
    case 503: return "Service Unavailable";
    default: return status >= 500 ? "Internal Server Error" : "OK";
  }
}

void write_response(FCGX_Stream* out, const HttpResponse& resp) {
  std::string head;
  head.reserve(160 + resp.body.size());
  head += "Status: " + std::to_string(resp.status) + " " + reason_phrase(resp.status) + "\r\n";
  if (resp.status != 204) {
    head += "Content-Type: " + resp.content_type + "\r\n";
    head += "Content-Length: " + std::to_string(resp.body.size()) + "\r\n";
  }
  for (const auto& [name, value] : resp.headers) head += name + ": " + value + "\r\n";
  head += "\r\n";
  if (resp.status != 204) head += resp.body;
  FCGX_PutStr(head.data(), static_cast<int>(head.size()), out);
}

}  // namespace

// One connection nginx opened. libfcgi keeps a connection's state in its
// FCGX_Request, so each connection owns one, whichever thread serves it.
struct FcgiServer::Connection {
  explicit Connection(int fd) {
    FCGX_InitRequest(&request, -1, 0);  // no listen socket: this request never accepts
    request.ipcFd = fd;
    // FCGX_Accept_r first finishes the previous request and closes the
    // connection unless it was kept: mark it kept so the first read uses it.
    request.keepConnection = 1;
  }
  FCGX_Request request;
  bool in_epoll = false;
};

FcgiServer::FcgiServer(int listen_fd, int threads, const Dispatcher& dispatcher,
                       const Logger& logger)
    : listen_fd_(listen_fd), thread_count_(threads), dispatcher_(dispatcher), logger_(logger) {}

FcgiServer::~FcgiServer() {
  stop_accepting();
  for (auto& t : threads_) {
    if (t.joinable()) t.detach();
  }
  // The epoll set, the eventfd and parked connections stay: a detached thread
  // may still use them until _exit.
}

Status FcgiServer::start() {
  if (FCGX_Init() != 0) return internal_error("FCGX_Init failed");
  stop_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (stop_fd_ < 0) return internal_error(std::string("eventfd: ") + strerror(errno));
  epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd_ < 0) return internal_error(std::string("epoll_create1: ") + strerror(errno));
  epoll_event listen_ev{};
  listen_ev.events = EPOLLIN | EPOLLEXCLUSIVE;
  listen_ev.data.ptr = &listen_tag_;
  epoll_event stop_ev{};
  stop_ev.events = EPOLLIN;  // level-triggered: every thread sees it while it is set
  stop_ev.data.ptr = &stop_tag_;
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, listen_fd_, &listen_ev) != 0 ||
      epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, stop_fd_, &stop_ev) != 0) {
    return internal_error(std::string("cannot poll the listen socket: ") + strerror(errno));
  }
  running_ = thread_count_;
  for (int i = 0; i < thread_count_; ++i) threads_.emplace_back([this, i] { serve(i); });
  return ok_status();
}

void FcgiServer::stop_accepting() {
  if (stopping_.exchange(true) || stop_fd_ < 0) return;
  uint64_t one = 1;
  ssize_t n = write(stop_fd_, &one, sizeof(one));
  (void)n;
}

bool FcgiServer::wait_stopped(int64_t timeout_ms) {
  std::unique_lock lock(mu_);
  return cv_.wait_for(lock, std::chrono::milliseconds(timeout_ms), [&] { return running_ == 0; });
}

void FcgiServer::serve(int thread_index) {
  epoll_event ev{};
  while (true) {
    // One event at a time: a thread never holds a connection it is not serving.
    int n = epoll_wait(epoll_fd_, &ev, 1, -1);
    if (n < 0) {
      if (errno == EINTR) continue;
      logger_.log(BZ_LOG_ERROR, "request thread cannot wait for connections",
                  {{"error", std::string_view(strerror(errno))}, {"thread", int64_t{thread_index}}});
      std::abort();  // a worker that cannot serve must be replaced, not limp on
    }
    if (n == 0) continue;
    if (ev.data.ptr == &stop_tag_) {
      if (on_stop()) break;
    } else if (ev.data.ptr == &listen_tag_) {
      accept_connections();
    } else {
      serve_connection(static_cast<Connection*>(ev.data.ptr));
    }
  }
  std::lock_guard lock(mu_);
  if (--running_ == 0) cv_.notify_all();
}

// The stop eventfd stays set once every connection is closed, so every thread
// sees it and leaves. While connections remain, the first thread to see it takes
// the listen socket out of the set and clears it; the thread that closes the
// last connection sets it again (forget).
bool FcgiServer::on_stop() {
  if (!draining_.exchange(true)) {
    epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, listen_fd_, nullptr);
    // A connection that woke this process (and so no other) just before may
    // still wait in the backlog: serve what is there, or it would wait for
    // the next connection to wake another worker.
    while (accept_connections()) {
    }
  }
  if (open_.load() == 0) return true;
  uint64_t value = 0;
  ssize_t n = read(stop_fd_, &value, sizeof(value));
  (void)n;
  if (open_.load() > 0) return false;
  // The last connection closed between the two checks, and its wake-up may
  // have been the value just read: set it again.
  uint64_t one = 1;
  n = write(stop_fd_, &one, sizeof(one));
  return true;
}

FcgiServer::Connection* FcgiServer::accept_one() {
  int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);  // a blocking socket, as libfcgi reads
  if (fd < 0) {
    int err = errno;
    if (err == EAGAIN || err == EWOULDBLOCK || err == EINTR || err == ECONNABORTED) return nullptr;
    logger_.log(BZ_LOG_WARN, "accept failed", {{"error", std::string_view(strerror(err))}});
    // Out of descriptors or memory: the socket stays readable, so do not spin on it.
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    return nullptr;
  }
  open_.fetch_add(1);
  return new Connection(fd);
}

// A lone new connection whose request is there is served at once. When several
// wait (nginx opening more connections than it keeps, or renewing those that
// reached keepalive_time together), up to one per thread are accepted and join
// the connections that have a request ready, in order: otherwise the listen
// socket would get one turn per round of the ready kept connections, and a
// burst of new connections would wait for many rounds.
bool FcgiServer::accept_connections() {
  Connection* first = accept_one();
  if (first == nullptr) return false;
  Connection* next = thread_count_ > 1 ? accept_one() : nullptr;
  if (next == nullptr) {
    // nginx writes the request right after connecting: wait for it a moment
    // here rather than hand the connection to the set and wake a thread again.
    // A client that connects and sends nothing costs 5 ms, not a thread
    // (libfcgi's own accept waits up to 2 s for the first byte).
    pollfd ready{first->request.ipcFd, POLLIN, 0};
    if (poll(&ready, 1, kFirstBytesWaitMs) == 1) {
      serve_connection(first);
    } else {
      park(first);
    }
    return true;
  }
  park(first);
  park(next);
  for (int i = 2; i < thread_count_ && (next = accept_one()) != nullptr; ++i) park(next);
  return true;
}

void FcgiServer::serve_connection(Connection* conn) {
  // With a connection open, FCGX_Accept_r only reads its next request. When nginx
  // has closed it, libfcgi closes it too and fails (it cannot accept: no listen socket).
  if (FCGX_Accept_r(&conn->request) != 0) {
    forget(conn);
    return;
  }
  FCGX_Request& request = conn->request;
  in_flight_.fetch_add(1);
  FcgiParams params(request.envp);
  FcgiBody body(request.in);
  HttpRequest req;
  req.params = &params;
  req.method = param(params, "REQUEST_METHOD");
  req.uri = param(params, "REQUEST_URI");
  req.content_type = param(params, "CONTENT_TYPE");
  req.content_length = param(params, "CONTENT_LENGTH");
  req.authorization = param(params, "HTTP_AUTHORIZATION");
  req.request_id = param(params, "REQUEST_ID");
  req.received_ms = parse_msec(param(params, "REQUEST_START"));
  HttpResponse resp = dispatcher_.handle(req, body);
  write_response(request.out, resp);
  // Closes the connection unless nginx asked to keep it (FCGI_KEEP_CONN) and it is sound.
  FCGX_Finish_r(&request);
  in_flight_.fetch_sub(1);
  if (request.ipcFd < 0) {
    forget(conn);
  } else {
    park(conn);
  }
}

void FcgiServer::park(Connection* conn) {
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLONESHOT;  // readable also means nginx closed it
  ev.data.ptr = conn;
  int fd = conn->request.ipcFd;
  int op = conn->in_epoll ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
  // Before epoll_ctl: once it succeeds, another thread may own conn.
  conn->in_epoll = true;
  if (epoll_ctl(epoll_fd_, op, fd, &ev) != 0) {
    logger_.log(BZ_LOG_WARN, "cannot wait for a connection's next request; closing it",
                {{"error", std::string_view(strerror(errno))}});
    forget(conn);
  }
}

void FcgiServer::forget(Connection* conn) {
  // Closing the descriptor also takes it out of the epoll set. libfcgi has
  // closed it already when nginx closed it or did not ask to keep it.
  if (conn->request.ipcFd >= 0) FCGX_Free(&conn->request, 1);
  delete conn;
  if (open_.fetch_sub(1) == 1 && draining_.load()) {
    uint64_t one = 1;  // the last one: wake every thread to leave (on_stop)
    ssize_t n = write(stop_fd_, &one, sizeof(one));
    (void)n;
  }
}

}  // namespace bazaar::host
