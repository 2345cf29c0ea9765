// Flash sales (秒杀): merchant routes, and the sold-out flags that answer the
// crowd without touching SQLite. A flag is set where a unit could not be
// taken (this worker, memcached for the others, a signal for all) and
// cleared when a unit returns; the local copy lives 1 s, so a missed signal
// costs at most one memcached look-up per second per worker. The unit
// itself is taken in Stock::reserve, in the same transaction as the stock.
#pragma once

#include "util.h"

#include <shared_mutex>
#include <unordered_map>

namespace orders {

class FlashSales {
 public:
  explicit FlashSales(bazaar::sdk::Host host) : host_(host) {}

  Result<bazaar::sdk::Reply> create(const bazaar::sdk::Request& req);
  Result<bazaar::sdk::Reply> get_own(const bazaar::sdk::Request& req);
  Result<bazaar::sdk::Reply> list_own(const bazaar::sdk::Request& req);
  Result<bazaar::sdk::Reply> cancel(const bazaar::sdk::Request& req);
  Result<bazaar::sdk::Reply> get_public(const bazaar::sdk::Request& req);

  bool known_sold_out(int64_t flash_id);
  void mark_sold_out(int64_t flash_id);
  void mark_restocked(int64_t flash_id);
  // Signal handlers: "orders.flash_sold_out." / "orders.flash_restocked." {"id":"…"}.
  Status on_sold_out_signal(const bazaar::sdk::Event& signal);
  Status on_restocked_signal(const bazaar::sdk::Event& signal);

 private:
  struct Sale;
  Result<std::optional<Sale>> load(int64_t flash_id, const bz_request* req);
  Result<Sale> load_own(const bazaar::sdk::Request& req);
  void remember(int64_t flash_id, bool sold_out);
  static std::string flag_key(int64_t flash_id);

  bazaar::sdk::Host host_;
  std::shared_mutex mutex_;
  std::unordered_map<int64_t, int64_t> sold_out_until_;  // flash id -> steady ms
};

}  // namespace orders
