// The near cache (docs/ARCHITECTURE.md, "Near cache"): each worker keeps
// copies of the order detail and the buyer's first list page in memory, and
// no worker may serve a copy older than the last change made through any
// worker, with no waiting: the change is stamped before its answer is sent.
#include <gtest/gtest.h>

#include <atomic>
#include <sstream>
#include <thread>

#include "orders_client.h"

namespace bazaar::testing {
namespace {

class OrdersCacheTest : public OrdersTest {
 protected:
  long long near_hits() {
    HttpResult m = stack_->get("/metrics");
    std::istringstream lines(m.body);
    for (std::string line; std::getline(lines, line);) {
      const std::string series = "bazaar_cache_near_requests_total{result=\"hit\"} ";
      if (line.rfind(series, 0) == 0) return std::stoll(line.substr(series.size()));
    }
    return 0;
  }

  // 8 readers x `rounds`: the buyer's detail and first page, as both workers
  // answer them. Returns the reads that disagreed with `status` / `listed`.
  int stale_reads(const std::string& id, const std::string& status, size_t listed, int rounds) {
    std::atomic<int> stale{0};
    std::vector<std::thread> readers;
    for (int t = 0; t < 8; ++t) {
      readers.emplace_back([&] {
        for (int i = 0; i < rounds; ++i) {
          json detail = body_json(c().get_order(c().user(42), id));
          if (detail["status"] != status) ++stale;
          HttpResult page = c().request("GET", "/api/v1/orders?limit=20", "", c().user(42));
          json orders = body_json(page)["orders"];
          if (!orders.is_array() || orders.size() != listed) ++stale;
        }
      });
    }
    for (auto& r : readers) r.join();
    return stale.load();
  }
};

TEST_F(OrdersCacheTest, NoWorkerServesACopyOlderThanTheLastChange) {
  StackOptions o = options();
  o.memcached = true;
  o.workers = 2;  // copies in two processes: a change through one must reach the other's
  o.threads = 4;
  ASSERT_TRUE(start(o));
  std::string sku = c().create_sku(7, 100);
  json first = c().place_order(42, sku, 1);
  ASSERT_TRUE(first.is_object());
  const std::string id = first["order_id"];

  const long long hits_before = near_hits();
  EXPECT_EQ(stale_reads(id, "PENDING_PAYMENT", 1, 20), 0);
  EXPECT_GT(near_hits() - hits_before, 0) << "the reads never came from a near copy";

  HttpResult paid = c().pay(id, first["payable"], "txn-near-" + id);
  ASSERT_EQ(body_json(paid)["result"], "APPLIED") << paid.body;
  EXPECT_EQ(stale_reads(id, "PAID", 1, 20), 0) << "a worker served the detail from before the payment";

  json second = c().place_order(42, sku, 2);  // the buyer's first page changes
  ASSERT_TRUE(second.is_object());
  EXPECT_EQ(stale_reads(id, "PAID", 2, 20), 0) << "a worker served the first page without the new order";
}

}  // namespace
}  // namespace bazaar::testing
