// Requests (ABI 1.0): the read-only view of one request a route handler
// `Result<Reply> P::f(const Request&)` receives, and the Reply it answers.
//
// Contract: a Request and every view it returns are valid during the handler
// call only; the host has already routed it, checked its token against the
// route's roles and size-checked its body. Parse the body at the edge with
// json_as<T>() (400 INVALID_JSON / INVALID_BODY).
#pragma once

#include <bazaar/sdk/core.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bazaar::sdk {

// Read-only view of the request during one handler call.
class Request {
 public:
  Request(const bz_request* raw, const bz_host_api* api, bz_host* host)
      : raw_(raw), api_(api), host_(host) {}

  std::string_view method() const { return view(raw_->method); }
  std::string_view path() const { return view(raw_->path); }
  std::string_view body() const { return view(raw_->body); }
  std::string_view request_id() const { return view(raw_->request_id); }
  const bz_identity& identity() const { return raw_->identity; }
  int64_t deadline_ms() const { return raw_->deadline_ms; }
  bool expired() const { return api_->now_ms(host_) >= raw_->deadline_ms; }

  // A path parameter declared in the route pattern; empty if absent.
  std::string_view param(std::string_view name) const {
    for (size_t i = 0; i < raw_->param_count; ++i) {
      if (view(raw_->param_names[i]) == name) return view(raw_->param_values[i]);
    }
    return {};
  }

  // A request header by its CGI name, e.g. "HTTP_IDEMPOTENCY_KEY".
  std::optional<std::string_view> header(const char* cgi_name) const {
    bz_str out{};
    if (api_->request_param(raw_, cgi_name, &out) == 0) return std::nullopt;
    return view(out);
  }

  // A query parameter, percent-decoded ('+' is a space). First occurrence wins.
  std::optional<std::string> query(std::string_view name) const {
    std::string_view q = view(raw_->query);
    while (!q.empty()) {
      size_t amp = q.find('&');
      std::string_view pair = q.substr(0, amp);
      q = amp == std::string_view::npos ? std::string_view{} : q.substr(amp + 1);
      size_t eq = pair.find('=');
      if (decode(pair.substr(0, eq)) != name) continue;
      return eq == std::string_view::npos ? std::string{} : decode(pair.substr(eq + 1));
    }
    return std::nullopt;
  }

  // The body parsed into T (which needs an nlohmann from_json). Malformed JSON is
  // INVALID_JSON, a body of the wrong shape is INVALID_BODY; both 400.
  template <class T>
  Result<T> json_as() const {
    return detail::parse_json_as<T>(body(), "request body is not valid JSON", "INVALID_BODY", true);
  }

  const bz_request* raw() const { return raw_; }

 private:
  static std::string decode(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size(); ++i) {
      if (s[i] == '+') {
        out.push_back(' ');
      } else if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
        out.push_back(static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2])));
        i += 2;
      } else {
        out.push_back(s[i]);
      }
    }
    return out;
  }
  static int hex(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }

  const bz_request* raw_;
  const bz_host_api* api_;
  bz_host* host_;
};

// A successful answer: status, JSON body (or raw bytes) and extra headers.
struct Reply {
  int status = 200;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;

  static Reply json(const Json& doc, int status = 200) { return {status, doc.dump(), {}}; }
  static Reply created(const Json& doc) { return json(doc, 201); }
  static Reply no_content() { return {204, {}, {}}; }
  Reply& header(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
  }
};

}  // namespace bazaar::sdk
