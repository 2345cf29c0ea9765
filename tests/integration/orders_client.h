// The orders plugin's API as the integration tests speak it: tokens, SKUs,
// orders, signed payment callbacks, flash sales, the stock equation and
// concurrent firing. Every call goes over HTTP to a real stack; the helpers
// that expect success add a gtest failure (with the answer) when they do not
// get it and return an empty value.
//
// Thread safety: an OrdersClient may be shared by many threads once built
// (tokens are minted locally and cached under a lock).
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "http_client.h"
#include "stack.h"

namespace bazaar::testing {

using Headers = std::vector<std::pair<std::string, std::string>>;
using nlohmann::json;

// A SKU's stock counters as the merchant reads them.
struct Stock {
  long long initial = -1, added = 0, available = 0, reserved = 0, sold = 0, returned = 0;
  // initial + added = available + reserved + sold, each >= 0.
  bool balanced() const;
};
std::ostream& operator<<(std::ostream& os, const Stock& s);

// The stable error code of an answer ("" when there is none).
std::string error_code(const HttpResult& r);
// The body as JSON (discarded value when it is not JSON).
json body_json(const HttpResult& r);

// Runs fn(i) for i in [0, n) on `threads` threads released together by a
// latch; returns when every call finished.
void run_concurrently(size_t n, size_t threads, const std::function<void(size_t)>& fn);
// i as a signed number (user ids, amounts built from loop indexes).
inline long long as_ll(size_t i) { return static_cast<long long>(i); }

// Sum of the first column of `sql` over the stack's shard files (-1 if one fails).
long long sum_over_shards(const Stack& stack, const std::string& sql);
// The first shard whose answer to `sql` (first column) is positive; -1 if none.
int first_shard_where(const Stack& stack, const std::string& sql);

class OrdersClient {
 public:
  explicit OrdersClient(const Stack& stack);

  // Authorization headers with a locally minted token (valid one day).
  Headers user(long long id) const { return auth("user", id); }
  Headers merchant(long long id) const { return auth("merchant", id); }
  Headers ops() const { return auth("ops", 1); }

  HttpResult request(const std::string& method, const std::string& path,
                     const std::string& body = "", const Headers& headers = {}) const;

  // --- catalog ---------------------------------------------------------------
  // A new SKU of `merchant`; its id ("" and a test failure if refused).
  std::string create_sku(long long merchant, long long stock, long long price = 1999,
                         bool restock_on_refund = true, const std::string& title = "Tea 250 g") const;
  json sku(long long merchant, const std::string& sku_id) const;  // merchant view, or null
  Stock stock(long long merchant, const std::string& sku_id) const;

  // --- orders ----------------------------------------------------------------
  // {"items":[{"sku_id","qty"}],"address":{…}} (+ "flash_sale_id" when given).
  static json order_body(const std::string& sku_id, long long qty,
                         const std::string& flash_sale_id = "");
  HttpResult create_order(long long user, const json& body, const std::string& key,
                          const Headers& extra = {}) const;
  HttpResult create_order_raw(long long user, const std::string& body, const std::string& key,
                              const Headers& extra = {}) const;
  // Creates an order of qty units and expects 201; the order JSON (null on failure).
  json place_order(long long user, const std::string& sku_id, long long qty = 1) const;

  HttpResult get_order(const Headers& who, const std::string& order_id) const;
  HttpResult history(const Headers& who, const std::string& order_id) const;
  // The history rows of an order read by ops (empty on failure).
  std::vector<json> history_rows(const std::string& order_id) const;
  HttpResult cancel(long long user, const std::string& order_id) const;
  // Every order of a user (GET /api/v1/orders, all pages, limit per page).
  std::vector<json> all_orders(long long user, int limit = 100) const;
  std::vector<json> all_merchant_orders(long long merchant, int limit = 100) const;
  std::string order_status(const std::string& order_id) const;  // read by ops

  // --- payments --------------------------------------------------------------
  // The node's clock in Unix seconds (wall clock + the test clock offset).
  long long node_now_s() const;
  void set_clock_offset_ms(long long offset_ms) { clock_offset_ms_ = offset_ms; }
  // Moves the node's test clock (bazaarctl clock-offset) and remembers it.
  bool move_clock(long long offset_ms);
  std::string sign(const std::string& timestamp, const std::string& nonce,
                   const std::string& body) const;
  static std::string fresh_nonce();
  static json payment_body(const std::string& order_id, long long amount,
                           const std::string& transaction_id);
  // A correctly signed callback (fresh nonce and node time unless given).
  HttpResult pay(const std::string& order_id, long long amount, const std::string& transaction_id,
                 const std::string& nonce = "", long long timestamp_s = 0) const;
  // Sends `body` with exactly these callback headers.
  HttpResult callback(const std::string& body, const Headers& headers) const;
  Headers signed_headers(const std::string& body, const std::string& nonce = "",
                         long long timestamp_s = 0) const;

  // --- flash sales -----------------------------------------------------------
  // A sale running from a minute ago for an hour; its id ("" on failure).
  std::string create_flash_sale(long long merchant, const std::string& sku_id, long long quantity,
                                long long per_user_limit = 1, long long price = 99) const;
  static std::string iso_time(long long unix_ms);

  const Stack& stack() const { return stack_; }

 private:
  Headers auth(const std::string& role, long long id) const;

  const Stack& stack_;
  std::string jwt_secret_;
  std::string payment_secret_;
  long long clock_offset_ms_ = 0;
  mutable std::mutex mu_;
  mutable std::map<std::pair<std::string, long long>, std::string> tokens_;
};

// Base of the orders tests: a stack with the orders plugin only (no fixtures),
// NORMAL shard synchronisation unless the test says otherwise.
class OrdersTest : public ::testing::Test {
 protected:
  static StackOptions options() {
    StackOptions o;
    o.plugins = {};
    o.product_plugins = {"orders"};
    o.shard_sync_normal = true;
    return o;
  }
  // Starts the stack (ASSERT in the caller: `ASSERT_TRUE(start())`).
  bool start(const StackOptions& o = options()) {
    stack_ = Stack::start(o);
    if (stack_ == nullptr) return false;
    client_ = std::make_unique<OrdersClient>(*stack_);
    return true;
  }
  OrdersClient& c() { return *client_; }

  std::unique_ptr<Stack> stack_;
  std::unique_ptr<OrdersClient> client_;
};

}  // namespace bazaar::testing
