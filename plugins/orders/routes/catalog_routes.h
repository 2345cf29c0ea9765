// Catalog routes (docs/API.md, "Catalog"): a merchant's own SKUs and their
// stock, and the public SKU view. A SKU and its counters are one row on the
// shard its id names; SQL in store/sku_store.h.
#pragma once

#include "domain/values.h"

#include "sdk_names.h"

namespace orders {

class CatalogRoutes {
 public:
  explicit CatalogRoutes(bazaar::sdk::Host host) : host_(host) {}

  Result<bazaar::sdk::Reply> create(const bazaar::sdk::Request& req) const;
  Result<bazaar::sdk::Reply> get_own(const bazaar::sdk::Request& req) const;
  Result<bazaar::sdk::Reply> list_own(const bazaar::sdk::Request& req) const;
  Result<bazaar::sdk::Reply> update(const bazaar::sdk::Request& req) const;
  Result<bazaar::sdk::Reply> set_stock(const bazaar::sdk::Request& req) const;
  Result<bazaar::sdk::Reply> add_stock(const bazaar::sdk::Request& req) const;
  Result<bazaar::sdk::Reply> get_public(const bazaar::sdk::Request& req) const;

 private:
  // Runs `change` (one conditional UPDATE of the caller's SKU, answering the
  // rows it changed) and answers the SKU; 404 when it changed none.
  template <class Change>
  Result<bazaar::sdk::Reply> change_own(const bazaar::sdk::Request& req, Change&& change) const;

  // PUT {"available":n} / POST {"add":n} of the caller's SKU through `store`
  // (SkuStore::set_available or add_stock).
  template <class Store>
  Result<bazaar::sdk::Reply> stock_change(const bazaar::sdk::Request& req, const char* field, int64_t min,
                                          Store&& store) const;

  bazaar::sdk::Host host_;
};

}  // namespace orders
