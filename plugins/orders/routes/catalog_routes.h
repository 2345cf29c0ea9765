// Catalog (merchant role, own SKUs only) and the public SKU view. A SKU and
// its stock counters are one row on the shard its id names.
#pragma once

#include "util.h"

namespace orders {

class Catalog {
 public:
  struct Sku;  // a row of orders_skus
  explicit Catalog(bazaar::sdk::Host host) : host_(host) {}

  Result<bazaar::sdk::Reply> create(const bazaar::sdk::Request& req);
  Result<bazaar::sdk::Reply> get_own(const bazaar::sdk::Request& req);
  Result<bazaar::sdk::Reply> list_own(const bazaar::sdk::Request& req);
  Result<bazaar::sdk::Reply> update(const bazaar::sdk::Request& req);
  Result<bazaar::sdk::Reply> set_stock(const bazaar::sdk::Request& req);
  Result<bazaar::sdk::Reply> add_stock(const bazaar::sdk::Request& req);
  Result<bazaar::sdk::Reply> get_public(const bazaar::sdk::Request& req);

 private:
  // Runs `change` (one conditional UPDATE of the caller's SKU) and answers the SKU.
  template <class Change>
  Result<bazaar::sdk::Reply> change_own(const bazaar::sdk::Request& req, Change&& change);

  bazaar::sdk::Host host_;
};

}  // namespace orders
