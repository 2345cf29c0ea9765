// Reads of orders: detail and history (owner, seller or ops; anyone else
// gets 404), the buyer's list and the seller's list. The detail and the
// buyer's first page are cached (cache-aside; writers delete the keys after
// their commit: OrderStore::invalidate_after_commit).
#pragma once

#include "domain/values.h"

#include "sdk_names.h"

namespace orders {

class OrderQueries {
 public:
  explicit OrderQueries(bazaar::sdk::Host host) : host_(host) {}

  Result<bazaar::sdk::Reply> detail(const bazaar::sdk::Request& req);
  Result<bazaar::sdk::Reply> history(const bazaar::sdk::Request& req);
  Result<bazaar::sdk::Reply> list_mine(const bazaar::sdk::Request& req);
  Result<bazaar::sdk::Reply> list_merchant(const bazaar::sdk::Request& req);

 private:
  // The order's JSON text if the caller may see it; ORDER_NOT_FOUND otherwise.
  Result<std::string> visible_order(const bazaar::sdk::Request& req);
  bazaar::sdk::Host host_;
};

}  // namespace orders
