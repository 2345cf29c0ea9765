// orders: catalog and stock, orders as a saga of participants (an open chain:
// stock, flash-sale units and other plugins' participants by configuration),
// the checkout preview, signed payment callbacks, cancel and time-out,
// refunds, holds and fulfilment, queries, flash sales, and the services other
// plugins call. The HTTP contract is docs/API.md; the plugin's shape (which
// folder holds what) is docs/PLUGINS.md; the design notes are in
// docs/ARCHITECTURE.md ("Orders"). This file only wires the parts together.
#include "lifecycle/fulfilment.h"
#include "lifecycle/holds.h"
#include "lifecycle/order_cancel.h"
#include "lifecycle/order_creation.h"
#include "lifecycle/order_preview.h"
#include "lifecycle/payment_timeout.h"
#include "lifecycle/payments.h"
#include "lifecycle/refunds.h"
#include "lifecycle/risk_check.h"
#include "lifecycle/settlement.h"
#include "lifecycle/status_moves.h"
#include "participants/chain.h"
#include "participants/flash_gate.h"
#include "routes/catalog_routes.h"
#include "routes/flash_sale_routes.h"
#include "routes/fulfilment_routes.h"
#include "routes/order_queries.h"
#include "routes/order_routes.h"
#include "services/order_services.h"

#include <stdexcept>

namespace orders {
namespace {

// plugin.orders.participants, refusing the per-field prefixes of earlier
// versions (plugin.orders.participant.<field>) rather than ignoring them.
std::string chain_setting(const Host& host) {
  for (const char* legacy : {"participant.coupon", "participant.group_buy"}) {
    if (host.config(legacy)) {
      throw std::runtime_error(std::string("plugin.orders.") + legacy +
                               " is no longer read: list the field in plugin.orders.participants "
                               "(field=participant:stage, docs/PLUGINS.md)");
    }
  }
  return bazaar::sdk::or_throw(host.config_string("participants", kDefaultChain));
}

class Orders {
 public:
  explicit Orders(Host host)
      : flash_gate_(host),
        chain_(host, flash_gate_, chain_setting(host)),
        settlement_(host, chain_),
        moves_(host, settlement_),
        risk_(host),
        creation_(host, chain_, risk_,
                  bazaar::sdk::or_throw(host.config_int("payment_timeout_s", 900, 1, 7 * 86400)) * 1000),
        preview_(host, chain_),
        cancel_(host, moves_),
        refunds_(host, moves_),
        fulfilment_(host, moves_),
        holds_(host),
        payments_(host, moves_),
        timeout_(host, chain_, moves_, settlement_),
        catalog_(host),
        flash_sales_(host),
        queries_(host),
        order_routes_(creation_, preview_, cancel_),
        fulfilment_routes_(fulfilment_, refunds_),
        services_(host, refunds_, cancel_, holds_) {}

  // catalog
  Result<Reply> create_sku(const Request& r) { return catalog_.create(r); }
  Result<Reply> list_skus(const Request& r) { return catalog_.list_own(r); }
  Result<Reply> get_sku(const Request& r) { return catalog_.get_own(r); }
  Result<Reply> update_sku(const Request& r) { return catalog_.update(r); }
  Result<Reply> set_stock(const Request& r) { return catalog_.set_stock(r); }
  Result<Reply> add_stock(const Request& r) { return catalog_.add_stock(r); }
  Result<Reply> public_sku(const Request& r) { return catalog_.get_public(r); }
  // orders
  Result<Reply> create_order(const Request& r) { return order_routes_.create(r); }
  Result<Reply> preview_order(const Request& r) { return order_routes_.preview(r); }
  Result<Reply> cancel_order(const Request& r) { return order_routes_.cancel(r); }
  Result<Reply> order_detail(const Request& r) { return queries_.detail(r); }
  Result<Reply> order_history(const Request& r) { return queries_.history(r); }
  Result<Reply> my_orders(const Request& r) { return queries_.list_mine(r); }
  Result<Reply> merchant_orders(const Request& r) { return queries_.list_merchant(r); }
  Result<Reply> payment_callback(const Request& r) { return payments_.callback(r); }
  Result<Reply> ship(const Request& r) { return fulfilment_routes_.ship(r); }
  Result<Reply> deliver(const Request& r) { return fulfilment_routes_.deliver(r); }
  Result<Reply> refund(const Request& r) { return fulfilment_routes_.refund(r); }
  // flash sales
  Result<Reply> create_flash(const Request& r) { return flash_sales_.create(r); }
  Result<Reply> list_flash(const Request& r) { return flash_sales_.list_own(r); }
  Result<Reply> get_flash(const Request& r) { return flash_sales_.get_own(r); }
  Result<Reply> cancel_flash(const Request& r) { return flash_sales_.cancel(r); }
  Result<Reply> public_flash(const Request& r) { return flash_sales_.get_public(r); }
  // services for other plugins
  Result<Json> get_service(const ServiceCall& c) { return services_.get(c); }
  Result<Json> refund_service(const ServiceCall& c) { return services_.refund(c); }
  Result<Json> cancel_service(const ServiceCall& c) { return services_.cancel(c); }
  Result<Json> place_hold_service(const ServiceCall& c) { return services_.place_hold(c); }
  Result<Json> release_hold_service(const ServiceCall& c) { return services_.release_hold(c); }
  // timers and signals
  Status on_settle(const bazaar::sdk::Timer& t) { return settlement_.on_settle_timer(t); }
  Status on_payment_timeout(const bazaar::sdk::Timer& t) { return timeout_.on_timer(t); }
  Status on_refund_restock(const bazaar::sdk::Timer& t) { return refunds_.on_restock_timer(t); }
  Status on_flash_sold_out(const bazaar::sdk::Event& e, bazaar::sdk::EventContext&) {
    return flash_gate_.on_sold_out_signal(e);
  }
  Status on_flash_restocked(const bazaar::sdk::Event& e, bazaar::sdk::EventContext&) {
    return flash_gate_.on_restocked_signal(e);
  }

 private:
  FlashGate flash_gate_;
  Chain chain_;
  Settlement settlement_;
  StatusMoves moves_;
  RiskCheck risk_;
  OrderCreation creation_;
  OrderPreview preview_;
  OrderCancel cancel_;
  Refunds refunds_;
  Fulfilment fulfilment_;
  Holds holds_;
  Payments payments_;
  PaymentTimeout timeout_;
  CatalogRoutes catalog_;
  FlashSaleRoutes flash_sales_;
  OrderQueries queries_;
  OrderRoutes order_routes_;
  FulfilmentRoutes fulfilment_routes_;
  OrderServices services_;
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
    route<&Orders::preview_order>("POST", "/api/v1/orders/preview", kUser),
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

constexpr bz_service kServices[] = {
    bazaar::sdk::service<&Orders::get_service>("orders.get"),
    bazaar::sdk::service<&Orders::refund_service>("orders.refund"),
    bazaar::sdk::service<&Orders::cancel_service>("orders.cancel"),
    bazaar::sdk::service<&Orders::place_hold_service>("orders.place_hold"),
    bazaar::sdk::service<&Orders::release_hold_service>("orders.release_hold"),
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

constexpr bz_plugin kPlugin = bazaar::sdk::describe<Orders>("orders", "1.1.0")
                                  .with_routes(kRoutes)
                                  .with_services(kServices)
                                  .with_timers(kTimers)
                                  .with_signals(kSignals);

}  // namespace
}  // namespace orders

BAZAAR_EXPORT_PLUGIN(orders::kPlugin)
