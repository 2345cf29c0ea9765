// Coupon template routes (docs/API.md, "Coupons plugin"): a merchant's own
// templates (create, list, read, edit, activate / pause / end) and the public
// coupon centre, a merchant's templates open for claiming. Bodies are parsed
// here into the domain's types (template_json.h); lifecycle/templates.h
// does the rest.
#pragma once

#include "lifecycle/templates.h"

namespace coupons {

class TemplateRoutes {
 public:
  TemplateRoutes(Host host, const Templates& templates) : host_(host), templates_(templates) {}

  Result<Reply> create(const Request& req) const;
  Result<Reply> list_own(const Request& req) const;
  Result<Reply> get_own(const Request& req) const;
  Result<Reply> edit(const Request& req) const;
  Result<Reply> move(const Request& req, TemplateStatus to) const;
  // GET /api/v1/coupon-templates?merchant_id= (public, cached).
  Result<Reply> centre(const Request& req) const;

 private:
  Host host_;
  const Templates& templates_;
};

}  // namespace coupons
