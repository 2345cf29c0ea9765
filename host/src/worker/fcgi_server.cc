#include "worker/fcgi_server.h"

#include <fcgiapp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <string>

namespace bazaar::host {
namespace {

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

FcgiServer::FcgiServer(int listen_fd, int threads, const Dispatcher& dispatcher,
                       const Logger& logger)
    : listen_fd_(listen_fd), thread_count_(threads), dispatcher_(dispatcher), logger_(logger) {}

FcgiServer::~FcgiServer() {
  stop_accepting();
  for (auto& t : threads_) {
    if (t.joinable()) t.detach();
  }
  // The eventfd stays open: a detached thread may still poll it until _exit.
}

Status FcgiServer::start() {
  if (FCGX_Init() != 0) return internal_error("FCGX_Init failed");
  stop_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (stop_fd_ < 0) return internal_error(std::string("eventfd: ") + strerror(errno));
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
  int ep = epoll_create1(EPOLL_CLOEXEC);
  epoll_event listen_ev{};
  listen_ev.events = EPOLLIN | EPOLLEXCLUSIVE;
  listen_ev.data.fd = listen_fd_;
  epoll_event stop_ev{};
  stop_ev.events = EPOLLIN;
  stop_ev.data.fd = stop_fd_;
  if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, listen_fd_, &listen_ev) != 0 ||
      epoll_ctl(ep, EPOLL_CTL_ADD, stop_fd_, &stop_ev) != 0) {
    logger_.log(BZ_LOG_ERROR, "request thread cannot poll the listen socket",
                {{"error", std::string_view(strerror(errno))}, {"thread", int64_t{thread_index}}});
    std::abort();  // a worker that cannot serve must be replaced, not limp on
  }

  FCGX_Request request;
  FCGX_InitRequest(&request, listen_fd_, 0);
  epoll_event events[2];
  while (true) {
    int n = epoll_wait(ep, events, 2, -1);
    if (n < 0) {
      if (errno == EINTR) continue;
      break;
    }
    bool connection = false;
    for (int i = 0; i < n; ++i) connection = connection || events[i].data.fd == listen_fd_;
    if (connection) {
      int rc = FCGX_Accept_r(&request);
      if (rc == 0) {
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
        FCGX_Finish_r(&request);
        in_flight_.fetch_sub(1);
      } else if (rc != -EAGAIN && rc != -EINTR && rc != -ECONNABORTED) {
        logger_.log(BZ_LOG_WARN, "accept failed", {{"error", std::string_view(strerror(-rc))}});
      }
    }
    if (stopping_.load()) break;
  }
  FCGX_Free(&request, 1);
  close(ep);
  std::lock_guard lock(mu_);
  if (--running_ == 0) cv_.notify_all();
}

}  // namespace bazaar::host
