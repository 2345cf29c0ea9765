#include "worker/dispatcher.h"

#include <charconv>
#include <algorithm>
#include <chrono>

#include "common/json_text.h"

namespace bazaar::host {

namespace {

int64_t mono_us() {
  using namespace std::chrono;
  return duration_cast<microseconds>(steady_clock::now().time_since_epoch()).count();
}

// ASCII case-insensitive comparison with a lower-case constant.
bool equals_lower(std::string_view text, std::string_view lower) {
  if (text.size() != lower.size()) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != lower[i]) return false;
  }
  return true;
}

bool is_json(std::string_view content_type) {
  size_t semi = content_type.find(';');
  std::string_view mime = content_type.substr(0, semi);
  while (!mime.empty() && mime.back() == ' ') mime.remove_suffix(1);
  return equals_lower(mime, "application/json");
}

bool carries_body(std::string_view method) {
  return method == "POST" || method == "PUT" || method == "PATCH";
}

bz_str to_bz(std::string_view s) { return {s.data(), s.size()}; }

const char* default_code(int status) {
  switch (status) {
    case 400: return "BAD_REQUEST";
    case 401: return "UNAUTHENTICATED";
    case 403: return "FORBIDDEN";
    case 404: return "NOT_FOUND";
    case 409: return "CONFLICT";
    case 422: return "UNPROCESSABLE";
    case 429: return "RATE_LIMITED";
    case 503: return "UNAVAILABLE";
    default: return "INTERNAL";
  }
}

}  // namespace

Dispatcher::Dispatcher(const Services& services, const Options& options)
    : services_(services), options_(options) {}

Result<std::unique_ptr<Dispatcher>> Dispatcher::build(std::vector<RouteSpec> routes,
                                                      const Services& services,
                                                      const Options& options) {
  std::unique_ptr<Dispatcher> d(new Dispatcher(services, options));
  d->routes_.reserve(routes.size());
  for (RouteSpec& spec : routes) {
    auto names = Router::parameter_names(spec.pattern);
    if (!names.ok()) return names.error();
    Status added = d->router_.add(spec.method, spec.pattern, d->routes_.size());
    if (!added.ok()) return added.error();
    Route route;
    route.latency = services.metrics->histogram(
        "bazaar_request_duration_seconds",
        SharedMetrics::label("route", spec.method + " " + spec.pattern));
    route.param_names = std::move(*names);
    route.spec = std::move(spec);
    d->routes_.push_back(std::move(route));
  }
  // Names as bz_str point into param_names, which no longer moves.
  for (Route& r : d->routes_) {
    for (const std::string& n : r.param_names) r.param_name_strs.push_back(to_bz(n));
  }
  return d;
}

HttpResponse Dispatcher::error(int status, std::string_view code, std::string_view message,
                               std::string_view request_id) const {
  HttpResponse resp;
  resp.status = status;
  resp.body = error_envelope(code, message, request_id);
  return resp;
}

HttpResponse Dispatcher::handle(const HttpRequest& req, BodyReader& body) const {
  const int64_t started_us = mono_us();
  const int64_t now = services_.clock->now_ms();
  std::string_view uri = req.uri;
  size_t qmark = uri.find('?');
  std::string_view path = uri.substr(0, qmark);
  std::string_view query = qmark == std::string_view::npos ? std::string_view{} : uri.substr(qmark + 1);

  Router::Match match = router_.match(req.method, path);
  HttpResponse resp;
  std::string_view route_label = "unmatched";
  switch (match.outcome) {
    case Router::Outcome::kBadPath:
      resp = error(400, "INVALID_PATH", "the request path is malformed", req.request_id);
      break;
    case Router::Outcome::kNotFound:
      resp = error(404, "NOT_FOUND", "no such resource", req.request_id);
      break;
    case Router::Outcome::kMethodNotAllowed:
      resp = error(405, "METHOD_NOT_ALLOWED", "method not allowed on this resource",
                   req.request_id);
      resp.headers.emplace_back("Allow", match.allowed);
      break;
    case Router::Outcome::kFound: {
      const Route& route = routes_[match.route_id];
      route_label = route.spec.pattern;
      // Time already spent queueing, measured on the clock nginx stamped it with,
      // then carried over to the host clock the handler sees.
      const Clock* receipt = services_.receipt_clock != nullptr ? services_.receipt_clock
                                                                : services_.clock;
      int64_t queued = req.received_ms > 0 ? std::max<int64_t>(receipt->now_ms() - req.received_ms, 0) : 0;
      resp = invoke(route, req, path, query, match, body, now - queued + options_.deadline_ms);
      route.latency.observe_us(static_cast<uint64_t>(mono_us() - started_us));
      break;
    }
  }
  record(req, route_label, resp, started_us);
  return resp;
}

HttpResponse Dispatcher::invoke(const Route& route, const HttpRequest& req, std::string_view path,
                                std::string_view query, Router::Match& match, BodyReader& body,
                                int64_t deadline_ms) const {
  if (services_.clock->now_ms() >= deadline_ms) {
    // It waited in the accept queue past its deadline: nobody is waiting for
    // the answer any more, so shed it before doing any work.
    return error(503, "DEADLINE_EXCEEDED", "the request waited too long to be served",
                 req.request_id);
  }

  bz_identity identity{0, 0};
  if (route.spec.roles != BZ_ROLE_PUBLIC) {
    std::string_view auth = req.authorization;
    if (!auth.starts_with("Bearer ") || auth.size() <= 7) {
      return error(401, "UNAUTHENTICATED", "a bearer token is required", req.request_id);
    }
    auto verified = services_.jwt->verify(auth.substr(7), services_.clock->now_ms() / 1000);
    if (!verified.ok()) {
      return error(401, verified.error().code(), verified.error().message(), req.request_id);
    }
    if ((verified->role & route.spec.roles) == 0) {
      return error(403, "FORBIDDEN", "this token's role may not use this resource", req.request_id);
    }
    identity = {verified->role, verified->subject_id};
  }

  std::string payload;
  if (carries_body(req.method)) {
    int64_t length = 0;
    if (!req.content_length.empty()) {
      auto [ptr, ec] = std::from_chars(req.content_length.data(),
                                       req.content_length.data() + req.content_length.size(), length);
      if (ec != std::errc() || ptr != req.content_length.data() + req.content_length.size() ||
          length < 0) {
        return error(400, "BAD_CONTENT_LENGTH", "Content-Length is not a number", req.request_id);
      }
    }
    if (length > options_.max_body_bytes) {
      return error(413, "PAYLOAD_TOO_LARGE", "request body exceeds the limit", req.request_id);
    }
    if (length > 0) {
      if (!is_json(req.content_type)) {
        return error(415, "UNSUPPORTED_MEDIA_TYPE", "request body must be application/json",
                     req.request_id);
      }
      payload.resize(static_cast<size_t>(length));
      size_t got = 0;
      while (got < payload.size()) {
        size_t n = body.read(payload.data() + got, payload.size() - got);
        if (n == 0) break;
        got += n;
      }
      if (got != payload.size()) {
        return error(400, "INCOMPLETE_BODY", "request body is shorter than Content-Length",
                     req.request_id);
      }
    }
  }

  std::vector<bz_str> values;
  values.reserve(match.param_values.size());
  for (const std::string& v : match.param_values) values.push_back(to_bz(v));

  RequestContext ctx{req.params};
  bz_request r{};
  r.abi_version = BZ_ABI_VERSION;
  r.struct_size = sizeof(bz_request);
  r.method = to_bz(req.method);
  r.path = to_bz(path);
  r.query = to_bz(query);
  r.body = to_bz(payload);
  r.request_id = to_bz(req.request_id);
  r.route = to_bz(route.spec.pattern);
  r.param_names = route.param_name_strs.data();
  r.param_values = values.data();
  r.param_count = values.size();
  r.identity = identity;
  r.deadline_ms = deadline_ms;
  r.host_request = &ctx;

  bz_response out;
  out.request_id = req.request_id;
  bz_status st = route.spec.handler(route.spec.ctx, &r, &out);
  if (st != BZ_OK && !out.wrote_error) {
    int status = http_status_of(st);
    return error(status, default_code(status), "the request could not be completed",
                 req.request_id);
  }

  HttpResponse resp;
  resp.status = out.status;
  resp.body = std::move(out.body);
  for (auto& [name, value] : out.headers) {
    // Header names are case-insensitive: any spelling replaces the default
    // rather than adding a second Content-Type line.
    if (equals_lower(name, "content-type")) {
      resp.content_type = std::move(value);
    } else {
      resp.headers.emplace_back(std::move(name), std::move(value));
    }
  }
  return resp;
}

void Dispatcher::record(const HttpRequest& req, std::string_view route, const HttpResponse& resp,
                        int64_t started_us) const {
  // Unmatched requests share one label: a client must not be able to mint series.
  std::string labels = SharedMetrics::label(
      "route", route == "unmatched" ? std::string(route)
                                    : std::string(req.method) + " " + std::string(route));
  labels += ",";
  labels += SharedMetrics::label("status", std::to_string(resp.status));
  services_.metrics->counter("bazaar_requests_total", labels).add();
  if (options_.access_log) {
    services_.logger->log(BZ_LOG_INFO, "request",
                          {{"request_id", req.request_id},
                           {"method", req.method},
                           {"route", route},
                           {"status", int64_t{resp.status}},
                           {"duration_us", mono_us() - started_us}});
  }
}

}  // namespace bazaar::host
