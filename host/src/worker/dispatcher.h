// One HTTP request from parameters to response: route, authenticate, check the
// body, call the handler, count and log. Transport-neutral (the FastCGI glue
// lives in fcgi_server), so it is tested without sockets. Immutable after
// build; handle() is called from every request thread at once.
#pragma once

#include <bazaar/plugin.h>
#include <bazaar/result.hpp>

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "abi/host_api.h"
#include "auth/jwt.h"
#include "common/clock.h"
#include "common/logger.h"
#include "common/shared_metrics.h"
#include "worker/router.h"

namespace bazaar::host {

struct RouteSpec {
  std::string method;
  std::string pattern;
  uint32_t roles = BZ_ROLE_PUBLIC;
  bz_handler_fn handler = nullptr;
  void* ctx = nullptr;
  std::string owner;  // plugin name, or "host" for built-ins
};

struct HttpRequest {
  const ParamSource* params = nullptr;  // every CGI parameter, for plugins
  std::string_view method;
  std::string_view uri;  // raw REQUEST_URI, query included
  std::string_view content_type;
  std::string_view content_length;  // raw; empty when absent
  std::string_view authorization;
  std::string_view request_id;  // assigned by nginx
  int64_t received_ms = 0;      // when nginx received it, wall clock (0: unknown)
};

class BodyReader {
 public:
  virtual ~BodyReader() = default;
  // Reads up to n bytes; returns 0 at end of body.
  virtual size_t read(char* buf, size_t n) = 0;
};

struct HttpResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string content_type = "application/json";
};

class Dispatcher {
 public:
  struct Options {
    int64_t deadline_ms = 10'000;
    int64_t max_body_bytes = 1 << 20;
    bool access_log = true;
  };
  struct Services {
    const JwtVerifier* jwt = nullptr;
    const Clock* clock = nullptr;  // the host clock: tokens, deadlines handed to plugins
    const Logger* logger = nullptr;
    const SharedMetrics* metrics = nullptr;
    // The clock nginx's receipt time (REQUEST_START) is on: the wall clock.
    // Null: `clock`. Kept apart so a moved test clock does not make every
    // request look hours old.
    const Clock* receipt_clock = nullptr;
  };

  // Fails when two routes clash (the plugin set checks this first, so a clash
  // here is a host bug, reported rather than hidden).
  static Result<std::unique_ptr<Dispatcher>> build(std::vector<RouteSpec> routes,
                                                   const Services& services,
                                                   const Options& options);

  HttpResponse handle(const HttpRequest& req, BodyReader& body) const;

 private:
  struct Route {
    RouteSpec spec;
    std::vector<std::string> param_names;
    std::vector<bz_str> param_name_strs;
    SharedMetrics::Histogram latency;
  };
  Dispatcher(const Services& services, const Options& options);
  HttpResponse error(int status, std::string_view code, std::string_view message,
                     std::string_view request_id) const;
  HttpResponse invoke(const Route& route, const HttpRequest& req, std::string_view path,
                      std::string_view query, Router::Match& match, BodyReader& body,
                      int64_t deadline_ms) const;
  void record(const HttpRequest& req, std::string_view route, const HttpResponse& resp,
              int64_t started_us) const;

  Services services_;
  Options options_;
  Router router_;
  std::vector<Route> routes_;
};

}  // namespace bazaar::host
