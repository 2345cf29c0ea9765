// orders: catalog and stock, orders as a TCC saga of participants, signed
// payment callbacks, cancel and time-out, refunds and fulfilment, queries,
// flash sales. The HTTP contract is docs/API.md; the design notes are in
// docs/ARCHITECTURE.md ("Orders"). This file only wires the parts together.
#include "catalog.h"
#include "flash_sales.h"
#include "fulfilment.h"
#include "order_cancel.h"
#include "order_create.h"
#include "participants.h"
#include "payments.h"
#include "queries.h"
#include "settlement.h"
#include "stock.h"

#include <charconv>

namespace {

using bazaar::Result;
using bazaar::Status;
using bazaar::sdk::Reply;
using bazaar::sdk::Request;

int64_t payment_timeout_ms(const bazaar::sdk::Host& host) {
  int64_t seconds = 900;
  if (auto text = host.config("payment_timeout_s")) {
    int64_t parsed = 0;
    auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), parsed);
    if (ec != std::errc() || end != text->data() + text->size() || parsed < 1 || parsed > 7 * 86400) {
      throw std::runtime_error("plugin.orders.payment_timeout_s must be 1 to 604800 seconds");
    }
    seconds = parsed;
  }
  return seconds * 1000;
}

class Orders {
 public:
  explicit Orders(bazaar::sdk::Host host)
      : catalog_(host), stock_(host), participants_(host), flash_(host),
        settlement_(host, stock_, participants_, flash_),
        creation_(host, stock_, participants_, flash_, payment_timeout_ms(host)),
        cancel_(host, settlement_), queries_(host), payments_(host, settlement_),
        fulfilment_(host, stock_, settlement_) {}

  // catalog
  Result<Reply> create_sku(const Request& r) { return catalog_.create(r); }
  Result<Reply> list_skus(const Request& r) { return catalog_.list_own(r); }
  Result<Reply> get_sku(const Request& r) { return catalog_.get_own(r); }
  Result<Reply> update_sku(const Request& r) { return catalog_.update(r); }
  Result<Reply> set_stock(const Request& r) { return catalog_.set_stock(r); }
  Result<Reply> add_stock(const Request& r) { return catalog_.add_stock(r); }
  Result<Reply> public_sku(const Request& r) { return catalog_.get_public(r); }
  // orders
  Result<Reply> create_order(const Request& r) { return creation_.create(r); }
  Result<Reply> cancel_order(const Request& r) { return cancel_.cancel(r); }
  Result<Reply> order_detail(const Request& r) { return queries_.detail(r); }
  Result<Reply> order_history(const Request& r) { return queries_.history(r); }
  Result<Reply> my_orders(const Request& r) { return queries_.list_mine(r); }
  Result<Reply> merchant_orders(const Request& r) { return queries_.list_merchant(r); }
  Result<Reply> payment_callback(const Request& r) { return payments_.callback(r); }
  Result<Reply> ship(const Request& r) { return fulfilment_.ship(r); }
  Result<Reply> deliver(const Request& r) { return fulfilment_.deliver(r); }
  Result<Reply> refund(const Request& r) { return fulfilment_.refund(r); }
  // flash sales
  Result<Reply> create_flash(const Request& r) { return flash_.create(r); }
  Result<Reply> list_flash(const Request& r) { return flash_.list_own(r); }
  Result<Reply> get_flash(const Request& r) { return flash_.get_own(r); }
  Result<Reply> cancel_flash(const Request& r) { return flash_.cancel(r); }
  Result<Reply> public_flash(const Request& r) { return flash_.get_public(r); }
  // timers and signals
  Status on_settle(const bazaar::sdk::Timer& t) { return settlement_.on_settle_timer(t); }
  Status on_payment_timeout(const bazaar::sdk::Timer& t) { return settlement_.on_payment_timeout(t); }
  Status on_refund_restock(const bazaar::sdk::Timer& t) { return fulfilment_.on_restock_timer(t); }
  Status on_flash_sold_out(const bazaar::sdk::Event& e, bazaar::sdk::EventContext&) {
    return flash_.on_sold_out_signal(e);
  }
  Status on_flash_restocked(const bazaar::sdk::Event& e, bazaar::sdk::EventContext&) {
    return flash_.on_restocked_signal(e);
  }

 private:
  orders::Catalog catalog_;
  orders::Stock stock_;
  orders::Participants participants_;
  orders::FlashSales flash_;
  orders::Settlement settlement_;
  orders::OrderCreation creation_;
  orders::OrderCancel cancel_;
  orders::OrderQueries queries_;
  orders::Payments payments_;
  orders::Fulfilment fulfilment_;
};

using bazaar::sdk::route;
constexpr uint32_t kUser = BZ_ROLE_USER;
constexpr uint32_t kMerchant = BZ_ROLE_MERCHANT;
constexpr uint32_t kReaders = BZ_ROLE_USER | BZ_ROLE_MERCHANT | BZ_ROLE_OPS;

constexpr bz_route kRoutes[] = {
    route<&Orders::create_sku>("POST", "/api/v1/merchant/skus", kMerchant),
    route<&Orders::list_skus>("GET", "/api/v1/merchant/skus", kMerchant),
    route<&Orders::get_sku>("GET", "/api/v1/merchant/skus/{id}", kMerchant),
    route<&Orders::update_sku>("PATCH", "/api/v1/merchant/skus/{id}", kMerchant),
    route<&Orders::set_stock>("PUT", "/api/v1/merchant/skus/{id}/stock", kMerchant),
    route<&Orders::add_stock>("POST", "/api/v1/merchant/skus/{id}/stock", kMerchant),
    route<&Orders::public_sku>("GET", "/api/v1/skus/{id}", BZ_ROLE_PUBLIC),
    route<&Orders::create_order>("POST", "/api/v1/orders", kUser),
    route<&Orders::my_orders>("GET", "/api/v1/orders", kUser),
    route<&Orders::order_detail>("GET", "/api/v1/orders/{id}", kReaders),
    route<&Orders::order_history>("GET", "/api/v1/orders/{id}/history", kReaders),
    route<&Orders::cancel_order>("POST", "/api/v1/orders/{id}/cancel", kUser),
    route<&Orders::payment_callback>("POST", "/api/v1/payments/callback", BZ_ROLE_PUBLIC),
    route<&Orders::merchant_orders>("GET", "/api/v1/merchant/orders", kMerchant),
    route<&Orders::ship>("POST", "/api/v1/merchant/orders/{id}/ship", kMerchant),
    route<&Orders::deliver>("POST", "/api/v1/merchant/orders/{id}/deliver", kMerchant),
    route<&Orders::refund>("POST", "/api/v1/merchant/orders/{id}/refunds", kMerchant),
    route<&Orders::create_flash>("POST", "/api/v1/merchant/flash-sales", kMerchant),
    route<&Orders::list_flash>("GET", "/api/v1/merchant/flash-sales", kMerchant),
    route<&Orders::get_flash>("GET", "/api/v1/merchant/flash-sales/{id}", kMerchant),
    route<&Orders::cancel_flash>("POST", "/api/v1/merchant/flash-sales/{id}/cancel", kMerchant),
    route<&Orders::public_flash>("GET", "/api/v1/flash-sales/{id}", BZ_ROLE_PUBLIC),
};

constexpr bz_timer_handler kTimers[] = {
    bazaar::sdk::timer<&Orders::on_settle>("settle"),
    bazaar::sdk::timer<&Orders::on_payment_timeout>("payment_timeout"),
    bazaar::sdk::timer<&Orders::on_refund_restock>("refund_restock"),
};

constexpr bz_subscription kSignals[] = {
    bazaar::sdk::subscription<&Orders::on_flash_sold_out>("flash_sold_out", "orders.flash_sold_out."),
    bazaar::sdk::subscription<&Orders::on_flash_restocked>("flash_restocked", "orders.flash_restocked."),
};

constexpr bz_plugin kPlugin = bazaar::sdk::describe<Orders>("orders", "1.0.0")
                                  .with_routes(kRoutes)
                                  .with_timers(kTimers)
                                  .with_signals(kSignals);

}  // namespace

BAZAAR_EXPORT_PLUGIN(kPlugin)
