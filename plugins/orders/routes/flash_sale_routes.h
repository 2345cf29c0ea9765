// Flash-sale routes (docs/API.md, "Flash sales"): a merchant's own sales and
// the public view. Buying goes through order creation (the flash
// participant, participants/flash_participant.h); SQL in store/flash_store.h.
#pragma once

#include "domain/flash_sale.h"

#include "sdk_names.h"

namespace orders {

class FlashSaleRoutes {
 public:
  explicit FlashSaleRoutes(bazaar::sdk::Host host) : host_(host) {}

  Result<bazaar::sdk::Reply> create(const bazaar::sdk::Request& req) const;
  Result<bazaar::sdk::Reply> get_own(const bazaar::sdk::Request& req) const;
  Result<bazaar::sdk::Reply> list_own(const bazaar::sdk::Request& req) const;
  Result<bazaar::sdk::Reply> cancel(const bazaar::sdk::Request& req) const;
  Result<bazaar::sdk::Reply> get_public(const bazaar::sdk::Request& req) const;

 private:
  // The sale the path names if it exists (nullopt: 404 for any caller).
  Result<std::optional<FlashSale>> load(const bazaar::sdk::Request& req) const;
  // The same, if the caller sells it (another merchant's sale is not found).
  Result<FlashSale> load_own(const bazaar::sdk::Request& req) const;

  bazaar::sdk::Host host_;
};

}  // namespace orders
