// coupons: merchants' coupon templates and the public coupon centre (issue
// 15, first slice). Claims, redeem codes, batch issuing, the order
// participant (coupons.order_try …) and statistics come later: until the
// participant's services exist, orders answers 422 COUPON_NOT_SUPPORTED for
// a "coupon" field even with this plugin loaded. The HTTP contract is
// docs/API.md ("Coupons plugin"); the shape is docs/PLUGINS.md. This file
// only wires the parts together.
#include "lifecycle/templates.h"
#include "routes/template_routes.h"

namespace coupons {
namespace {

class Coupons {
 public:
  explicit Coupons(Host host) : templates_(host), routes_(host, templates_) {}

  Result<Reply> create_template(const Request& r) { return routes_.create(r); }
  Result<Reply> list_templates(const Request& r) { return routes_.list_own(r); }
  Result<Reply> get_template(const Request& r) { return routes_.get_own(r); }
  Result<Reply> edit_template(const Request& r) { return routes_.edit(r); }
  Result<Reply> activate_template(const Request& r) {
    return routes_.move(r, TemplateStatus::kActive);
  }
  Result<Reply> pause_template(const Request& r) {
    return routes_.move(r, TemplateStatus::kPaused);
  }
  Result<Reply> end_template(const Request& r) { return routes_.move(r, TemplateStatus::kEnded); }
  Result<Reply> centre(const Request& r) { return routes_.centre(r); }

 private:
  Templates templates_;
  TemplateRoutes routes_;
};

using bazaar::sdk::route;
constexpr uint32_t kMerchant = BZ_ROLE_MERCHANT;

constexpr bz_route kRoutes[] = {
    route<&Coupons::create_template>("POST", "/api/v1/merchant/coupon-templates", kMerchant),
    route<&Coupons::list_templates>("GET", "/api/v1/merchant/coupon-templates", kMerchant),
    route<&Coupons::get_template>("GET", "/api/v1/merchant/coupon-templates/{id}", kMerchant),
    route<&Coupons::edit_template>("PATCH", "/api/v1/merchant/coupon-templates/{id}", kMerchant),
    route<&Coupons::activate_template>("POST", "/api/v1/merchant/coupon-templates/{id}/activate",
                                       kMerchant),
    route<&Coupons::pause_template>("POST", "/api/v1/merchant/coupon-templates/{id}/pause",
                                    kMerchant),
    route<&Coupons::end_template>("POST", "/api/v1/merchant/coupon-templates/{id}/end", kMerchant),
    route<&Coupons::centre>("GET", "/api/v1/coupon-templates", BZ_ROLE_PUBLIC),
};

constexpr bz_plugin kPlugin =
    bazaar::sdk::describe<Coupons>("coupons", "0.1.0").with_routes(kRoutes);

}  // namespace
}  // namespace coupons

BAZAAR_EXPORT_PLUGIN(coupons::kPlugin)
