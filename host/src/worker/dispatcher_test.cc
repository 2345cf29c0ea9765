#include "worker/dispatcher.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

namespace bazaar::host {
namespace {

constexpr char kSecret[] = "dispatcher-test-secret-0123456789abcdef";
constexpr char kIssuer[] = "bazaar-test";
constexpr int64_t kStartMs = 1'800'000'000'000;
constexpr int64_t kDeadlineMs = 10'000;

// What a handler saw; one per route, written by the handler, read by the test.
struct Probe {
  int calls = 0;
  std::string method;
  std::string path;
  std::string query;
  std::string body;
  std::string route;
  std::string request_id;
  std::vector<std::pair<std::string, std::string>> params;
  bz_identity identity{0, 0};
  int64_t deadline_ms = 0;
  std::string idempotency_key;
  // For header_handler: the name under which it sets the content type.
  std::string content_type_name = "Content-Type";
};

const bz_host_api& api() { return *host_api_table(); }
bz_str to_str(std::string_view s) { return {s.data(), s.size()}; }
std::string from_str(bz_str s) { return s.len == 0 ? std::string() : std::string(s.data, s.len); }

// Records the request and answers 200 {"ok":true}.
bz_status echo_handler(void* ctx, const bz_request* req, bz_response* resp) {
  auto* p = static_cast<Probe*>(ctx);
  ++p->calls;
  p->method = from_str(req->method);
  p->path = from_str(req->path);
  p->query = from_str(req->query);
  p->body = from_str(req->body);
  p->route = from_str(req->route);
  p->request_id = from_str(req->request_id);
  p->params.clear();
  for (size_t i = 0; i < req->param_count; ++i) {
    p->params.emplace_back(from_str(req->param_names[i]), from_str(req->param_values[i]));
  }
  p->identity = req->identity;
  p->deadline_ms = req->deadline_ms;
  bz_str key{nullptr, 0};
  if (api().request_param(req, "HTTP_IDEMPOTENCY_KEY", &key) == 1)
    p->idempotency_key = from_str(key);
  api().response_status(resp, 200);
  api().response_append(resp, to_str(R"({"ok":)"));
  api().response_append(resp, to_str("true}"));
  return BZ_OK;
}

// Fails without writing anything: the host must answer with the status's envelope.
bz_status not_found_handler(void* ctx, const bz_request*, bz_response*) {
  ++static_cast<Probe*>(ctx)->calls;
  return BZ_NOT_FOUND;
}

// Writes its own business error.
bz_status sold_out_handler(void* ctx, const bz_request*, bz_response* resp) {
  ++static_cast<Probe*>(ctx)->calls;
  api().response_error(resp, BZ_CONFLICT, "SOLD_OUT", to_str("the last one went a moment ago"));
  return BZ_CONFLICT;
}

// Sets good and hostile headers and its own content type.
bz_status header_handler(void* ctx, const bz_request*, bz_response* resp) {
  auto* p = static_cast<Probe*>(ctx);
  ++p->calls;
  api().response_status(resp, 201);
  api().response_header(resp, to_str("X-Good"), to_str("1"));
  api().response_header(resp, to_str("X-Evil"), to_str("a\r\nSet-Cookie: session=stolen"));
  api().response_header(resp, to_str("X-Lf"), to_str("a\nb"));
  api().response_header(resp, to_str("X-Bad\r\nName"), to_str("v"));
  api().response_header(resp, to_str("X-Colon: x"), to_str("v"));
  api().response_header(resp, to_str(""), to_str("v"));
  api().response_header(resp, to_str(p->content_type_name), to_str("text/plain; charset=utf-8"));
  api().response_append(resp, to_str("plain text"));
  return BZ_OK;
}

class MapParams final : public ParamSource {
 public:
  const char* get(const char* name) const override {
    auto it = values.find(name);
    return it == values.end() ? nullptr : it->second.c_str();
  }
  std::map<std::string, std::string> values;
};

// A body delivered a few bytes per read, as a socket would.
class StringBody final : public BodyReader {
 public:
  explicit StringBody(std::string data) : data_(std::move(data)) {}
  size_t read(char* buf, size_t n) override {
    size_t k = std::min({n, size_t{3}, data_.size() - pos_});
    if (k > 0) memcpy(buf, data_.data() + pos_, k);
    pos_ += k;
    return k;
  }
  size_t consumed() const { return pos_; }

 private:
  std::string data_;
  size_t pos_ = 0;
};

struct Req {
  std::string method = "GET";
  std::string uri;
  std::string authorization;
  std::string content_type;
  std::string content_length;
  std::string body;
  std::string request_id = "req-1";
  int64_t received_ms = 0;
};

nlohmann::json parse_body(const HttpResponse& resp) {
  auto doc = nlohmann::json::parse(resp.body, nullptr, false);
  EXPECT_FALSE(doc.is_discarded()) << "body is not JSON: " << resp.body;
  return doc;
}

// Checks an error envelope: status, code and the request id.
void expect_error(const HttpResponse& resp, int status, const std::string& code,
                  const std::string& request_id = "req-1") {
  EXPECT_EQ(resp.status, status) << resp.body;
  EXPECT_EQ(resp.content_type, "application/json");
  nlohmann::json doc = parse_body(resp);
  ASSERT_TRUE(doc.is_object()) << resp.body;
  ASSERT_TRUE(doc.contains("error")) << resp.body;
  EXPECT_EQ(doc["error"]["code"], code) << resp.body;
  EXPECT_EQ(doc["error"]["request_id"], request_id) << resp.body;
  EXPECT_TRUE(doc["error"]["message"].is_string()) << resp.body;
}

const std::string* find_header(const HttpResponse& resp, std::string_view name) {
  for (const auto& [n, v] : resp.headers) {
    if (n == name) return &v;
  }
  return nullptr;
}

class DispatcherTest : public ::testing::Test {
 protected:
  DispatcherTest()
      : devnull_(open("/dev/null", O_WRONLY | O_CLOEXEC)),
        logger_(devnull_, BZ_LOG_INFO, "test"),
        metrics_(create_metrics()),
        jwt_(kSecret, kIssuer),
        clock_(kStartMs) {}
  ~DispatcherTest() override { close(devnull_); }

  static SharedMetrics create_metrics() {
    auto m = SharedMetrics::create(256);
    EXPECT_TRUE(m.ok());
    return std::move(m).value();
  }

  static RouteSpec route(const char* method, const char* pattern, uint32_t roles,
                         bz_handler_fn handler, Probe* probe) {
    RouteSpec r;
    r.method = method;
    r.pattern = pattern;
    r.roles = roles;
    r.handler = handler;
    r.ctx = probe;
    r.owner = "test";
    return r;
  }

  std::vector<RouteSpec> default_routes() {
    return {
        route("GET", "/orders/mine", BZ_ROLE_USER, echo_handler, &mine_),
        route("GET", "/orders/{id}", BZ_ROLE_USER | BZ_ROLE_MERCHANT, echo_handler, &by_id_),
        route("DELETE", "/orders/{id}", BZ_ROLE_OPS, echo_handler, &by_id_),
        route("POST", "/orders", BZ_ROLE_USER, echo_handler, &create_),
        route("POST", "/public/upload", BZ_ROLE_PUBLIC, echo_handler, &upload_),
        route("GET", "/public/{slug}", BZ_ROLE_PUBLIC, echo_handler, &public_),
        route("GET", "/missing/{id}", BZ_ROLE_PUBLIC, not_found_handler, &missing_),
        route("POST", "/stock/{sku}/reserve", BZ_ROLE_PUBLIC, sold_out_handler, &sold_out_),
        route("GET", "/headers", BZ_ROLE_PUBLIC, header_handler, &headers_),
    };
  }

  void build(Dispatcher::Options options = default_options()) {
    auto d = Dispatcher::build(default_routes(), services(), options);
    ASSERT_TRUE(d.ok()) << d.error().message();
    dispatcher_ = std::move(d).value();
  }

  static Dispatcher::Options default_options() {
    Dispatcher::Options o;
    o.deadline_ms = kDeadlineMs;
    o.max_body_bytes = 1024;
    return o;
  }

  Dispatcher::Services services() const {
    Dispatcher::Services s;
    s.jwt = &jwt_;
    s.clock = &clock_;
    s.logger = &logger_;
    s.metrics = &metrics_;
    s.receipt_clock = receipt_clock_;
    return s;
  }

  HttpResponse send(const Req& r) {
    if (!dispatcher_) build();
    HttpRequest req;
    req.params = &params_;
    req.method = r.method;
    req.uri = r.uri;
    req.content_type = r.content_type;
    req.content_length = r.content_length;
    req.authorization = r.authorization;
    req.request_id = r.request_id;
    req.received_ms = r.received_ms;
    StringBody body(r.body);
    HttpResponse resp = dispatcher_->handle(req, body);
    last_body_consumed_ = body.consumed();
    return resp;
  }

  HttpResponse get(const std::string& uri, const std::string& authorization = "") {
    Req r;
    r.uri = uri;
    r.authorization = authorization;
    return send(r);
  }

  HttpResponse post_json(const std::string& uri, const std::string& body,
                         const std::string& authorization) {
    Req r;
    r.method = "POST";
    r.uri = uri;
    r.authorization = authorization;
    r.content_type = "application/json";
    r.content_length = std::to_string(body.size());
    r.body = body;
    return send(r);
  }

  int64_t now_s() const { return clock_.now_ms() / 1000; }

  std::string bearer(const char* role, int64_t subject, int64_t lifetime_s = 600) const {
    return "Bearer " + mint_jwt(kSecret, kIssuer, role, subject, now_s(), now_s() + lifetime_s);
  }

  uint64_t requests_total(const std::string& route_label, int status) const {
    std::string labels = SharedMetrics::label("route", route_label) + "," +
                         SharedMetrics::label("status", std::to_string(status));
    return metrics_.counter("bazaar_requests_total", labels).value();
  }

  int devnull_;
  Logger logger_;
  SharedMetrics metrics_;
  JwtVerifier jwt_;
  ManualClock clock_;
  const Clock* receipt_clock_ = nullptr;  // null: receipt times are on clock_
  MapParams params_;
  std::unique_ptr<Dispatcher> dispatcher_;
  size_t last_body_consumed_ = 0;

  Probe mine_, by_id_, create_, upload_, public_, missing_, sold_out_, headers_;
};

TEST_F(DispatcherTest, RoutesToHandlerWithPathParamsAndIdentity) {
  params_.values["HTTP_IDEMPOTENCY_KEY"] = "idem-7";
  HttpResponse resp = get("/orders/a%2Fb%20c?expand=items&x=1", bearer("user", 42));
  EXPECT_EQ(resp.status, 200);
  EXPECT_EQ(resp.body, R"({"ok":true})");
  EXPECT_EQ(resp.content_type, "application/json");
  ASSERT_EQ(by_id_.calls, 1);
  EXPECT_EQ(by_id_.method, "GET");
  EXPECT_EQ(by_id_.path, "/orders/a%2Fb%20c");
  EXPECT_EQ(by_id_.query, "expand=items&x=1");
  EXPECT_EQ(by_id_.route, "/orders/{id}");
  EXPECT_EQ(by_id_.request_id, "req-1");
  EXPECT_EQ(by_id_.params, (std::vector<std::pair<std::string, std::string>>{{"id", "a/b c"}}));
  EXPECT_EQ(by_id_.identity.role, BZ_ROLE_USER);
  EXPECT_EQ(by_id_.identity.subject_id, 42);
  EXPECT_EQ(by_id_.deadline_ms, kStartMs + kDeadlineMs);
  EXPECT_EQ(by_id_.idempotency_key, "idem-7");
  EXPECT_EQ(mine_.calls, 0);
}

TEST_F(DispatcherTest, LiteralRouteWinsOverParameterRoute) {
  HttpResponse resp = get("/orders/mine", bearer("user", 42));
  EXPECT_EQ(resp.status, 200);
  EXPECT_EQ(mine_.calls, 1);
  EXPECT_EQ(by_id_.calls, 0);
  EXPECT_TRUE(mine_.params.empty());
}

TEST_F(DispatcherTest, MerchantIdentityReachesHandler) {
  HttpResponse resp = get("/orders/5", bearer("merchant", 77));
  EXPECT_EQ(resp.status, 200);
  EXPECT_EQ(by_id_.identity.role, BZ_ROLE_MERCHANT);
  EXPECT_EQ(by_id_.identity.subject_id, 77);
}

TEST_F(DispatcherTest, UnknownPathIs404Envelope) {
  Req r;
  r.uri = "/nowhere";
  r.request_id = "rid-404";
  HttpResponse resp = send(r);
  expect_error(resp, 404, "NOT_FOUND", "rid-404");
  EXPECT_EQ(find_header(resp, "Allow"), nullptr);
}

TEST_F(DispatcherTest, WrongMethodIs405WithAllow) {
  Req r;
  r.method = "PUT";
  r.uri = "/orders/5";
  r.request_id = "rid-405";
  HttpResponse resp = send(r);
  expect_error(resp, 405, "METHOD_NOT_ALLOWED", "rid-405");
  const std::string* allow = find_header(resp, "Allow");
  ASSERT_NE(allow, nullptr);
  EXPECT_EQ(*allow, "DELETE, GET");
  EXPECT_EQ(by_id_.calls, 0);
}

TEST_F(DispatcherTest, MalformedPathIs400) {
  expect_error(get("/orders/%zz", bearer("user", 1)), 400, "INVALID_PATH");
  expect_error(get("/public/.."), 400, "INVALID_PATH");
  expect_error(get("/public/a%00b"), 400, "INVALID_PATH");
  EXPECT_EQ(by_id_.calls + public_.calls, 0);
}

TEST_F(DispatcherTest, MissingTokenIs401) {
  expect_error(get("/orders/5"), 401, "UNAUTHENTICATED");
  expect_error(get("/orders/5", "Bearer "), 401, "UNAUTHENTICATED");
  std::string token = bearer("user", 42).substr(7);
  expect_error(get("/orders/5", "Basic " + token), 401, "UNAUTHENTICATED");
  expect_error(get("/orders/5", token), 401, "UNAUTHENTICATED");
  EXPECT_EQ(by_id_.calls, 0);
}

TEST_F(DispatcherTest, InvalidTokenIs401) {
  expect_error(get("/orders/5", "Bearer not.a.token"), 401, "INVALID_TOKEN");
  std::string forged = "Bearer " + mint_jwt("some-other-secret-of-enough-length!!", kIssuer, "user",
                                            42, now_s(), now_s() + 600);
  expect_error(get("/orders/5", forged), 401, "INVALID_TOKEN");
  EXPECT_EQ(by_id_.calls, 0);
}

TEST_F(DispatcherTest, TokenExpiresWithTheHostClock) {
  std::string auth = bearer("user", 42, 5);
  EXPECT_EQ(get("/orders/5", auth).status, 200);
  clock_.advance(4'999);
  EXPECT_EQ(get("/orders/5", auth).status, 200);
  clock_.advance(1);
  expect_error(get("/orders/5", auth), 401, "TOKEN_EXPIRED");
  EXPECT_EQ(by_id_.calls, 2);
}

TEST_F(DispatcherTest, WrongRoleIs403) {
  expect_error(get("/orders/5", bearer("ops", 0)), 403, "FORBIDDEN");
  expect_error(get("/orders/mine", bearer("merchant", 3)), 403, "FORBIDDEN");
  expect_error(post_json("/orders", "{}", bearer("merchant", 3)), 403, "FORBIDDEN");
  EXPECT_EQ(by_id_.calls + mine_.calls + create_.calls, 0);

  Req del;
  del.method = "DELETE";
  del.uri = "/orders/5";
  del.authorization = bearer("ops", 0);
  EXPECT_EQ(send(del).status, 200);
  EXPECT_EQ(by_id_.identity.role, BZ_ROLE_OPS);
}

TEST_F(DispatcherTest, PublicRouteIgnoresTokens) {
  for (const std::string& auth : {std::string(), std::string("Bearer garbage"), bearer("user", 42),
                                  "Bearer " + mint_jwt(kSecret, kIssuer, "user", 42, 0, 1)}) {
    HttpResponse resp = get("/public/hello%20world", auth);
    EXPECT_EQ(resp.status, 200) << auth;
    EXPECT_EQ(public_.identity.role, 0u) << auth;
    EXPECT_EQ(public_.identity.subject_id, 0) << auth;
  }
  EXPECT_EQ(public_.calls, 4);
  EXPECT_EQ(public_.params,
            (std::vector<std::pair<std::string, std::string>>{{"slug", "hello world"}}));
}

TEST_F(DispatcherTest, JsonBodyReachesHandler) {
  std::string body = R"({"items":[{"sku":"A-1","qty":2}]})";
  HttpResponse resp = post_json("/orders", body, bearer("user", 42));
  EXPECT_EQ(resp.status, 200);
  ASSERT_EQ(create_.calls, 1);
  EXPECT_EQ(create_.body, body);
  EXPECT_EQ(create_.identity.subject_id, 42);
}

TEST_F(DispatcherTest, JsonContentTypeVariantsAreAccepted) {
  for (const char* type : {"application/json", "application/json; charset=utf-8",
                           "Application/JSON", "application/json ;charset=utf-8"}) {
    Req r;
    r.method = "POST";
    r.uri = "/public/upload";
    r.content_type = type;
    r.content_length = "2";
    r.body = "{}";
    EXPECT_EQ(send(r).status, 200) << type;
  }
  EXPECT_EQ(upload_.calls, 4);
}

TEST_F(DispatcherTest, EmptyBodyNeedsNoContentType) {
  Req r;
  r.method = "POST";
  r.uri = "/public/upload";
  EXPECT_EQ(send(r).status, 200);
  r.content_length = "0";
  EXPECT_EQ(send(r).status, 200);
  EXPECT_EQ(upload_.calls, 2);
  EXPECT_EQ(upload_.body, "");
}

TEST_F(DispatcherTest, OversizedBodyIs413WithoutReadingIt) {
  Req r;
  r.method = "POST";
  r.uri = "/public/upload";
  r.content_type = "application/json";
  r.content_length = "1025";  // max_body_bytes is 1024
  r.body = std::string(1025, ' ');
  expect_error(send(r), 413, "PAYLOAD_TOO_LARGE");
  EXPECT_EQ(last_body_consumed_, 0u);
  EXPECT_EQ(upload_.calls, 0);

  r.content_length = "1024";
  r.body = "[" + std::string(1022, ' ') + "]";
  EXPECT_EQ(send(r).status, 200);
  EXPECT_EQ(upload_.body.size(), 1024u);
}

TEST_F(DispatcherTest, NonJsonBodyIs415) {
  for (const char* type :
       {"text/plain", "", "application/jsonx", "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x"}) {
    Req r;
    r.method = "POST";
    r.uri = "/public/upload";
    r.content_type = type;
    r.content_length = "3";
    r.body = "a=b";
    expect_error(send(r), 415, "UNSUPPORTED_MEDIA_TYPE");
  }
  EXPECT_EQ(upload_.calls, 0);
}

TEST_F(DispatcherTest, BadContentLengthIs400) {
  for (const char* length : {"abc", "-1", "12abc", " 2", "2 ", "0x10", "99999999999999999999999"}) {
    Req r;
    r.method = "POST";
    r.uri = "/public/upload";
    r.content_type = "application/json";
    r.content_length = length;
    r.body = "{}";
    expect_error(send(r), 400, "BAD_CONTENT_LENGTH");
  }
  EXPECT_EQ(upload_.calls, 0);
}

TEST_F(DispatcherTest, ShortBodyIs400) {
  Req r;
  r.method = "POST";
  r.uri = "/public/upload";
  r.content_type = "application/json";
  r.content_length = "10";
  r.body = "{}";
  expect_error(send(r), 400, "INCOMPLETE_BODY");
  EXPECT_EQ(upload_.calls, 0);
}

TEST_F(DispatcherTest, AuthenticationIsCheckedBeforeTheBody) {
  Req r;
  r.method = "POST";
  r.uri = "/orders";
  r.content_type = "text/plain";
  r.content_length = "5000";
  expect_error(send(r), 401, "UNAUTHENTICATED");
  EXPECT_EQ(last_body_consumed_, 0u);
}

TEST_F(DispatcherTest, RequestPastItsDeadlineIsShedWithoutCallingTheHandler) {
  Req r;
  r.uri = "/public/x";
  r.received_ms = kStartMs - 60'000;
  expect_error(send(r), 503, "DEADLINE_EXCEEDED");
  r.received_ms = kStartMs - kDeadlineMs;  // deadline == now: already too late
  expect_error(send(r), 503, "DEADLINE_EXCEEDED");
  EXPECT_EQ(public_.calls, 0);

  r.received_ms = kStartMs - kDeadlineMs + 1;
  EXPECT_EQ(send(r).status, 200);
  EXPECT_EQ(public_.calls, 1);
  EXPECT_EQ(public_.deadline_ms, kStartMs + 1);
}

// A test clock moved hours ahead must not make a fresh request look stale:
// queueing time is measured on the clock nginx stamped (the wall clock).
TEST_F(DispatcherTest, AMovedHostClockDoesNotShedFreshRequests) {
  ManualClock wall(kStartMs);
  receipt_clock_ = &wall;
  clock_.advance(2 * 3'600'000);  // the host clock, moved by a test
  Req r;
  r.uri = "/public/x";
  r.received_ms = kStartMs - 10;  // queued 10 ms by the wall clock
  EXPECT_EQ(send(r).status, 200);
  EXPECT_EQ(public_.deadline_ms, clock_.now_ms() - 10 + kDeadlineMs);

  r.received_ms = kStartMs - kDeadlineMs;  // queued a whole deadline: still shed
  expect_error(send(r), 503, "DEADLINE_EXCEEDED");
}

TEST_F(DispatcherTest, DeadlineIsCheckedBeforeAuthentication) {
  Req r;
  r.uri = "/orders/5";
  r.received_ms = kStartMs - 60'000;
  expect_error(send(r), 503, "DEADLINE_EXCEEDED");
  EXPECT_EQ(by_id_.calls, 0);
}

TEST_F(DispatcherTest, UnknownReceiveTimeCountsFromNow) {
  clock_.advance(123);
  Req r;
  r.uri = "/public/x";
  EXPECT_EQ(send(r).status, 200);
  EXPECT_EQ(public_.deadline_ms, kStartMs + 123 + kDeadlineMs);
}

TEST_F(DispatcherTest, HandlerStatusWithoutBodyBecomesEnvelope) {
  Req r;
  r.uri = "/missing/9";
  r.request_id = "rid-m";
  expect_error(send(r), 404, "NOT_FOUND", "rid-m");
  EXPECT_EQ(missing_.calls, 1);
}

TEST_F(DispatcherTest, HandlerWrittenErrorIsKept) {
  Req r;
  r.method = "POST";
  r.uri = "/stock/A-1/reserve";
  r.request_id = "rid-s";
  HttpResponse resp = send(r);
  expect_error(resp, 409, "SOLD_OUT", "rid-s");
  EXPECT_EQ(parse_body(resp)["error"]["message"], "the last one went a moment ago");
}

TEST_F(DispatcherTest, ResponseHeaderRefusesInjection) {
  HttpResponse resp = get("/headers");
  EXPECT_EQ(resp.status, 201);
  EXPECT_EQ(resp.body, "plain text");
  const std::string* good = find_header(resp, "X-Good");
  ASSERT_NE(good, nullptr);
  EXPECT_EQ(*good, "1");
  for (const auto& [name, value] : resp.headers) {
    EXPECT_EQ(name.find_first_of("\r\n:"), std::string::npos) << name;
    EXPECT_EQ(value.find_first_of("\r\n"), std::string::npos) << value;
    EXPECT_FALSE(name.empty());
  }
  EXPECT_EQ(find_header(resp, "X-Evil"), nullptr);
  EXPECT_EQ(find_header(resp, "X-Lf"), nullptr);
  EXPECT_EQ(resp.headers.size(), 1u);
}

TEST_F(DispatcherTest, PluginContentTypeReplacesTheDefault) {
  // Header names are case-insensitive: any spelling must replace the default,
  // never add a second Content-Type line.
  for (const char* name : {"Content-Type", "content-type", "CONTENT-TYPE", "Content-type"}) {
    headers_.content_type_name = name;
    HttpResponse resp = get("/headers");
    EXPECT_EQ(resp.content_type, "text/plain; charset=utf-8") << name;
    for (const auto& [n, v] : resp.headers) {
      std::string lower = n;
      for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      EXPECT_NE(lower, "content-type") << name;
    }
  }
}

TEST_F(DispatcherTest, RequestsAreCountedByRouteAndStatus) {
  get("/orders/1", bearer("user", 1));
  get("/orders/2", bearer("user", 1));
  get("/orders/3");
  EXPECT_EQ(requests_total("GET /orders/{id}", 200), 2u);
  EXPECT_EQ(requests_total("GET /orders/{id}", 401), 1u);
  EXPECT_EQ(requests_total("GET /orders/mine", 200), 0u);
  std::string text = metrics_.render();
  EXPECT_NE(text.find("bazaar_request_duration_seconds_count{route=\"GET /orders/{id}\"} 3\n"),
            std::string::npos)
      << text;
}

TEST_F(DispatcherTest, UnmatchedRequestsShareOneLabel) {
  get("/probe/aaa");
  get("/probe/bbb");
  get("/public/..");
  Req put;
  put.method = "PUT";
  put.uri = "/orders/7";
  send(put);
  EXPECT_EQ(requests_total("unmatched", 404), 2u);
  EXPECT_EQ(requests_total("unmatched", 400), 1u);
  EXPECT_EQ(requests_total("unmatched", 405), 1u);
  std::string text = metrics_.render();
  EXPECT_EQ(text.find("probe"), std::string::npos) << text;
  EXPECT_EQ(text.find("/orders/7"), std::string::npos) << text;
}

TEST_F(DispatcherTest, BuildRefusesClashingOrMalformedRoutes) {
  Probe p;
  std::vector<RouteSpec> dup = {route("GET", "/a/{id}", BZ_ROLE_PUBLIC, echo_handler, &p),
                                route("GET", "/a/{id}", BZ_ROLE_PUBLIC, echo_handler, &p)};
  auto d1 = Dispatcher::build(std::move(dup), services(), default_options());
  ASSERT_FALSE(d1.ok());
  EXPECT_EQ(d1.error().code(), "DUPLICATE_ROUTE");

  std::vector<RouteSpec> renamed = {route("GET", "/a/{id}", BZ_ROLE_PUBLIC, echo_handler, &p),
                                    route("PUT", "/a/{key}", BZ_ROLE_PUBLIC, echo_handler, &p)};
  auto d2 = Dispatcher::build(std::move(renamed), services(), default_options());
  ASSERT_FALSE(d2.ok());
  EXPECT_EQ(d2.error().code(), "BAD_ROUTE");

  std::vector<RouteSpec> malformed = {route("GET", "a/b", BZ_ROLE_PUBLIC, echo_handler, &p)};
  EXPECT_FALSE(Dispatcher::build(std::move(malformed), services(), default_options()).ok());

  std::vector<RouteSpec> method = {route("HEAD", "/a", BZ_ROLE_PUBLIC, echo_handler, &p)};
  EXPECT_FALSE(Dispatcher::build(std::move(method), services(), default_options()).ok());
}

}  // namespace
}  // namespace bazaar::host
