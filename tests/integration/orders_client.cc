#include "orders_client.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sqlite3.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <latch>
#include <random>
#include <thread>

namespace bazaar::testing {
namespace {

constexpr int kShards = 8;  // conf/bazaar.conf.in

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::string text;
  std::getline(in, text);
  return text;
}

std::string hmac_sha256(const std::string& key, const std::string& data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &len);
  return std::string(reinterpret_cast<const char*>(out), len);
}

std::string hex(const std::string& bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (char ch : bytes) {
    auto c = static_cast<unsigned char>(ch);
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  return out;
}

std::string base64url(const std::string& bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    uint32_t v = (uint8_t(bytes[i]) << 16) | (uint8_t(bytes[i + 1]) << 8) | uint8_t(bytes[i + 2]);
    for (int s = 18; s >= 0; s -= 6) out += kAlphabet[(v >> s) & 63];
  }
  if (bytes.size() - i == 1) {
    uint32_t v = uint8_t(bytes[i]) << 16;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
  } else if (bytes.size() - i == 2) {
    uint32_t v = (uint8_t(bytes[i]) << 16) | (uint8_t(bytes[i + 1]) << 8);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
  }
  return out;
}

long long wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

long long json_int(const json& v) {
  if (v.is_number_integer()) return v.get<long long>();
  if (v.is_string()) return std::stoll(v.get<std::string>());
  return -1;
}

}  // namespace

bool Stock::balanced() const {
  return initial >= 0 && available >= 0 && reserved >= 0 && sold >= 0 &&
         initial + added == available + reserved + sold;
}

std::ostream& operator<<(std::ostream& os, const Stock& s) {
  return os << "{initial " << s.initial << ", added " << s.added << ", available " << s.available
            << ", reserved " << s.reserved << ", sold " << s.sold << ", returned " << s.returned
            << "}";
}

std::string error_code(const HttpResult& r) {
  json doc = body_json(r);
  if (doc.is_object() && doc.contains("error") && doc["error"].is_object()) {
    return doc["error"].value("code", "");
  }
  return "";
}

json body_json(const HttpResult& r) { return json::parse(r.body, nullptr, false); }

void run_concurrently(size_t n, size_t threads, const std::function<void(size_t)>& fn) {
  threads = std::min(threads, n);
  std::latch start(static_cast<std::ptrdiff_t>(threads));
  std::atomic<size_t> next{0};
  std::vector<std::thread> pool;
  pool.reserve(threads);
  for (size_t t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      start.arrive_and_wait();
      for (size_t i = next++; i < n; i = next++) fn(i);
    });
  }
  for (auto& t : pool) t.join();
}

namespace {
// First column of the first row of `sql` on one shard file (-1: no answer).
long long query_shard(const Stack& stack, int shard, const std::string& sql) {
  char file[64];
  snprintf(file, sizeof(file), "/data/shard-%03d.db", shard);
  sqlite3* db = nullptr;
  long long v = -1;
  if (sqlite3_open_v2((stack.dir() + file).c_str(), &db, SQLITE_OPEN_READONLY, nullptr) ==
      SQLITE_OK) {
    sqlite3_busy_timeout(db, 2000);
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW) {
      v = sqlite3_column_int64(stmt, 0);
    }
    sqlite3_finalize(stmt);
  }
  sqlite3_close(db);
  return v;
}
}  // namespace

long long sum_over_shards(const Stack& stack, const std::string& sql) {
  long long total = 0;
  for (int s = 0; s < kShards; ++s) {
    long long v = query_shard(stack, s, sql);
    if (v < 0) return -1;
    total += v;
  }
  return total;
}

int first_shard_where(const Stack& stack, const std::string& sql) {
  for (int s = 0; s < kShards; ++s) {
    if (query_shard(stack, s, sql) > 0) return s;
  }
  return -1;
}

OrdersClient::OrdersClient(const Stack& stack)
    : stack_(stack),
      jwt_secret_(read_file(stack.dir() + "/jwt.secret")),
      payment_secret_(stack.payment_secret()) {}

Headers OrdersClient::auth(const std::string& role, long long id) const {
  std::lock_guard lock(mu_);
  auto key = std::make_pair(role, id);
  auto it = tokens_.find(key);
  if (it == tokens_.end()) {
    long long now = wall_ms() / 1000;
    json claims = {{"iss", "bazaar"}, {"sub", std::to_string(id)}, {"role", role},
                   {"iat", now},      {"exp", now + 86400}};
    std::string input =
        base64url(R"({"alg":"HS256","typ":"JWT"})") + "." + base64url(claims.dump());
    it = tokens_.emplace(key, input + "." + base64url(hmac_sha256(jwt_secret_, input))).first;
  }
  return {{"Authorization", "Bearer " + it->second}};
}

HttpResult OrdersClient::request(const std::string& method, const std::string& path,
                                 const std::string& body, const Headers& headers) const {
  return http_request(stack_.port(), method, path, body, headers, 30000);
}

std::string OrdersClient::create_sku(long long merchant, long long stock, long long price,
                                     bool restock_on_refund, const std::string& title) const {
  json body = {{"title", title},
               {"price", price},
               {"stock", stock},
               {"restock_on_refund", restock_on_refund}};
  HttpResult r = request("POST", "/api/v1/merchant/skus", body.dump(), this->merchant(merchant));
  EXPECT_EQ(r.status, 201) << r.body;
  json doc = body_json(r);
  return r.status == 201 && doc.is_object() ? doc.value("sku_id", "") : "";
}

json OrdersClient::sku(long long merchant, const std::string& sku_id) const {
  HttpResult r = request("GET", "/api/v1/merchant/skus/" + sku_id, "", this->merchant(merchant));
  EXPECT_EQ(r.status, 200) << r.body;
  return r.status == 200 ? body_json(r) : json();
}

Stock OrdersClient::stock(long long merchant, const std::string& sku_id) const {
  json doc = sku(merchant, sku_id);
  Stock s;
  if (!doc.is_object() || !doc.contains("stock")) return s;
  const json& st = doc["stock"];
  s.initial = json_int(st.value("initial", json(-1)));
  s.added = json_int(st.value("added", json(0)));
  s.available = json_int(st.value("available", json(-1)));
  s.reserved = json_int(st.value("reserved", json(-1)));
  s.sold = json_int(st.value("sold", json(-1)));
  s.returned = json_int(st.value("returned", json(-1)));
  return s;
}

json OrdersClient::order_body(const std::string& sku_id, long long qty,
                              const std::string& flash_sale_id) {
  json body = {{"items", json::array({{{"sku_id", sku_id}, {"qty", qty}}})},
               {"address",
                {{"name", "Li Lei"}, {"phone", "13800000000"}, {"line1", "1 Road"},
                 {"city", "Hangzhou"}}}};
  if (!flash_sale_id.empty()) body["flash_sale_id"] = flash_sale_id;
  return body;
}

HttpResult OrdersClient::create_order(long long user, const json& body, const std::string& key,
                                      const Headers& extra) const {
  return create_order_raw(user, body.dump(), key, extra);
}

HttpResult OrdersClient::create_order_raw(long long user, const std::string& body,
                                          const std::string& key, const Headers& extra) const {
  Headers h = this->user(user);
  if (!key.empty()) h.emplace_back("Idempotency-Key", key);
  h.insert(h.end(), extra.begin(), extra.end());
  return request("POST", "/api/v1/orders", body, h);
}

json OrdersClient::place_order(long long user, const std::string& sku_id, long long qty) const {
  HttpResult r = create_order(user, order_body(sku_id, qty), "k-" + fresh_nonce());
  EXPECT_EQ(r.status, 201) << r.body;
  return r.status == 201 ? body_json(r) : json();
}

HttpResult OrdersClient::get_order(const Headers& who, const std::string& order_id) const {
  return request("GET", "/api/v1/orders/" + order_id, "", who);
}

HttpResult OrdersClient::history(const Headers& who, const std::string& order_id) const {
  return request("GET", "/api/v1/orders/" + order_id + "/history", "", who);
}

std::vector<json> OrdersClient::history_rows(const std::string& order_id) const {
  HttpResult r = history(ops(), order_id);
  EXPECT_EQ(r.status, 200) << r.body;
  json doc = body_json(r);
  if (!doc.is_object() || !doc.contains("history") || !doc["history"].is_array()) return {};
  return doc["history"].get<std::vector<json>>();
}

HttpResult OrdersClient::cancel(long long user, const std::string& order_id) const {
  return request("POST", "/api/v1/orders/" + order_id + "/cancel", "", this->user(user));
}

namespace {
std::vector<json> all_pages(const OrdersClient& c, const std::string& base, const Headers& who,
                            const char* field, int limit) {
  std::vector<json> out;
  std::string cursor;
  for (int page = 0; page < 1000; ++page) {
    std::string path = base + "?limit=" + std::to_string(limit);
    if (!cursor.empty()) path += "&cursor=" + cursor;
    HttpResult r = c.request("GET", path, "", who);
    EXPECT_EQ(r.status, 200) << path << ": " << r.body;
    json doc = body_json(r);
    if (r.status != 200 || !doc.is_object() || !doc[field].is_array()) break;
    for (auto& o : doc[field]) out.push_back(o);
    if (!doc.contains("next_cursor") || doc["next_cursor"].is_null()) break;
    cursor = doc["next_cursor"].get<std::string>();
  }
  return out;
}
}  // namespace

std::vector<json> OrdersClient::all_orders(long long user, int limit) const {
  return all_pages(*this, "/api/v1/orders", this->user(user), "orders", limit);
}

std::vector<json> OrdersClient::all_merchant_orders(long long merchant, int limit) const {
  return all_pages(*this, "/api/v1/merchant/orders", this->merchant(merchant), "orders", limit);
}

std::string OrdersClient::order_status(const std::string& order_id) const {
  HttpResult r = get_order(ops(), order_id);
  EXPECT_EQ(r.status, 200) << r.body;
  json doc = body_json(r);
  return doc.is_object() ? doc.value("status", "") : "";
}

long long OrdersClient::node_now_s() const { return (wall_ms() + clock_offset_ms_) / 1000; }

bool OrdersClient::move_clock(long long offset_ms) {
  std::string out;
  int rc = stack_.ctl("clock-offset " + std::to_string(offset_ms), &out);
  EXPECT_EQ(rc, 0) << out;
  if (rc == 0) clock_offset_ms_ = offset_ms;
  return rc == 0;
}

std::string OrdersClient::sign(const std::string& timestamp, const std::string& nonce,
                               const std::string& body) const {
  return hex(hmac_sha256(payment_secret_, timestamp + "\n" + nonce + "\n" + body + "\n"));
}

std::string OrdersClient::fresh_nonce() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  char buf[40];
  snprintf(buf, sizeof(buf), "n%016llx%08llx", static_cast<unsigned long long>(rng()),
           static_cast<unsigned long long>(rng() & 0xffffffffu));
  return buf;
}

json OrdersClient::payment_body(const std::string& order_id, long long amount,
                                const std::string& transaction_id) {
  return {{"order_id", order_id},
          {"transaction_id", transaction_id},
          {"amount", amount},
          {"status", "SUCCESS"}};
}

Headers OrdersClient::signed_headers(const std::string& body, const std::string& nonce,
                                     long long timestamp_s) const {
  std::string n = nonce.empty() ? fresh_nonce() : nonce;
  std::string ts = std::to_string(timestamp_s != 0 ? timestamp_s : node_now_s());
  return {{"X-Bazaar-Timestamp", ts}, {"X-Bazaar-Nonce", n},
          {"X-Bazaar-Signature", sign(ts, n, body)}};
}

HttpResult OrdersClient::pay(const std::string& order_id, long long amount,
                             const std::string& transaction_id, const std::string& nonce,
                             long long timestamp_s) const {
  std::string body = payment_body(order_id, amount, transaction_id).dump();
  return callback(body, signed_headers(body, nonce, timestamp_s));
}

HttpResult OrdersClient::callback(const std::string& body, const Headers& headers) const {
  return request("POST", "/api/v1/payments/callback", body, headers);
}

std::string OrdersClient::iso_time(long long unix_ms) {
  time_t secs = static_cast<time_t>(unix_ms / 1000);
  tm t{};
  gmtime_r(&secs, &t);
  char buf[64];
  snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%03lldZ", t.tm_year + 1900,
           t.tm_mon + 1, t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec, unix_ms % 1000);
  return buf;
}

std::string OrdersClient::create_flash_sale(long long merchant, const std::string& sku_id,
                                            long long quantity, long long per_user_limit,
                                            long long price) const {
  long long now = wall_ms() + clock_offset_ms_;
  json body = {{"sku_id", sku_id},
               {"price", price},
               {"quantity", quantity},
               {"start", iso_time(now - 60'000)},
               {"end", iso_time(now + 3'600'000)},
               {"per_user_limit", per_user_limit}};
  HttpResult r =
      request("POST", "/api/v1/merchant/flash-sales", body.dump(), this->merchant(merchant));
  EXPECT_EQ(r.status, 201) << r.body;
  json doc = body_json(r);
  return r.status == 201 && doc.is_object() ? doc.value("flash_sale_id", "") : "";
}

}  // namespace bazaar::testing
