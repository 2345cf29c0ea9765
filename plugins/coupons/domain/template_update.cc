#include "domain/template_update.h"

#include <string>

namespace coupons {

namespace {

// The first frozen rule that differs, or nullptr when none does.
const char* changed_frozen_rule(const TemplateRules& a, const TemplateRules& b) {
  if (!(a.money == b.money)) return "the money rule";
  if (!(a.scope == b.scope)) return "the scope";
  if (!(a.validity == b.validity)) return "the validity";
  if (a.stacks_with_activity != b.stacks_with_activity) return "stacks_with_activity";
  if (a.refund_returns != b.refund_returns) return "refund_returns";
  return nullptr;
}

}  // namespace

bazaar::Status check_update(const CouponTemplate& current, const TemplateRules& proposed,
                            int64_t claimed) {
  if (current.status == TemplateStatus::kEnded) {
    return bazaar::failed_precondition("TEMPLATE_ENDED", "an ended template cannot be changed");
  }
  if (claimed > 0) {
    if (const char* rule = changed_frozen_rule(current.rules, proposed)) {
      return bazaar::failed_precondition(
          "RULES_FROZEN",
          std::string(rule) + " cannot change once coupons are claimed: create a new template");
    }
  }
  if (proposed.total < claimed) {
    return bazaar::failed_precondition(
        "TOTAL_BELOW_CLAIMED",
        "total cannot be below the " + std::to_string(claimed) + " already claimed");
  }
  return bazaar::ok_status();
}

}  // namespace coupons
