// What happens to a coupon template: created (DRAFT), its rules edited
// (template_update.h's rule, guarded by the version the editor read), its
// status moved (coupon_template.h's machine). Each is one write transaction
// on the merchant's home shard whose change is one conditional statement,
// and each change drops the merchant's cached coupon centre after its commit.
// Another merchant's template is TEMPLATE_NOT_FOUND, exactly as a missing one.
#pragma once

#include "domain/template_json.h"
#include "store/template_store.h"

#include <functional>

namespace coupons {

class Templates {
 public:
  explicit Templates(Host host) : host_(host) {}

  // A new DRAFT template of `merchant_id`.
  Result<StoredTemplate> create(int64_t merchant_id, const TemplateRules& rules,
                                const bz_request* req) const;

  // The merchant's template, or 404 TEMPLATE_NOT_FOUND.
  Result<StoredTemplate> load_own(int64_t template_id, int64_t merchant_id,
                                  const bz_request* req) const;

  // Edits the merchant's template: `parse` turns the edit into new rules
  // given the current ones (its errors are answered as they are, nothing
  // written); then 409 TEMPLATE_VERSION when the version it names is not the
  // template's, check_update's 422s, and the conditional UPDATE.
  using EditParser = std::function<Result<TemplateEdit>(const TemplateRules& current)>;
  Result<StoredTemplate> edit(int64_t template_id, int64_t merchant_id, const EditParser& parse,
                              const bz_request* req) const;

  // Moves the merchant's template to `to` from any status can_move allows,
  // in one conditional UPDATE; 409 TEMPLATE_STATUS (naming the current
  // status) when the move is not allowed from it.
  Result<StoredTemplate> move(int64_t template_id, int64_t merchant_id, TemplateStatus to,
                              const bz_request* req) const;

 private:
  Host host_;
};

// 404 TEMPLATE_NOT_FOUND.
Error template_not_found();

}  // namespace coupons
