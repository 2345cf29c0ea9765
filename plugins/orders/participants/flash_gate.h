// The sold-out gate of flash sales: answers the crowd of a sold-out sale
// without touching SQLite. A flag is set where a unit could not be taken
// (this worker, memcached for the others, a best-effort signal for all) and
// cleared when a unit returns; the local copy lives 1 s, so a missed signal
// costs at most one memcached look-up per second per worker, and a stale flag
// at most a second of refusals. Thread-safe.
#pragma once

#include "domain/values.h"

#include "sdk_names.h"

#include <shared_mutex>
#include <unordered_map>

namespace orders {

class FlashGate {
 public:
  explicit FlashGate(bazaar::sdk::Host host) : host_(host) {}

  bool known_sold_out(int64_t flash_id);
  void mark_sold_out(int64_t flash_id);
  void mark_restocked(int64_t flash_id);
  // Signal handlers: "orders.flash_sold_out." / "orders.flash_restocked." {"id":"…"}.
  bazaar::Status on_sold_out_signal(const bazaar::sdk::Event& signal);
  bazaar::Status on_restocked_signal(const bazaar::sdk::Event& signal);

 private:
  void remember(int64_t flash_id, bool sold_out);
  static std::string flag_key(int64_t flash_id);

  bazaar::sdk::Host host_;
  std::shared_mutex mutex_;
  std::unordered_map<int64_t, int64_t> sold_out_until_;  // flash id -> steady ms
};

}  // namespace orders
