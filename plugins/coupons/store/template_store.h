// SQL of coupon templates (coupons_templates, schema/coupons/shard/
// 001_templates.sql): one row per template on its merchant's home shard.
// Every change is one conditional UPDATE scoped by merchant, so another
// merchant's template is "not found", never changed, and two racing edits or
// moves cannot both apply.
#pragma once

#include "domain/coupon_template.h"

#include "sdk_names.h"

#include <optional>
#include <span>
#include <string>
#include <vector>

namespace coupons {

// A template as stored: the domain's template and the row's bookkeeping.
struct StoredTemplate {
  CouponTemplate tmpl;
  int64_t claimed = 0;  // 0 until claims land (they will count in buckets)
  int64_t version = 1;  // grows with every change of the row
  int64_t created_ms = 0;
  int64_t updated_ms = 0;
};

class TemplateStore {
 public:
  // The shard a merchant's templates live on (and their ids are made on).
  static uint32_t home_shard(const Host& host, int64_t merchant_id);

  static Status insert(Txn& txn, const StoredTemplate& row);
  static Result<std::optional<StoredTemplate>> load(Txn& txn, int64_t template_id);
  // The merchant's templates with id < before_id, newest first.
  static Result<std::vector<StoredTemplate>> list_by_merchant(Txn& txn, int64_t merchant_id,
                                                              int64_t before_id, int limit);
  // The merchant's ACTIVE templates whose claim window has not ended at
  // now_ms (it may not have started), newest first: the coupon centre.
  static Result<std::vector<StoredTemplate>> list_claimable(Txn& txn, int64_t merchant_id,
                                                            int64_t now_ms, int limit);

  // Replaces the rules of the merchant's template if its version is still
  // `version`, it is not ENDED and `rules.total` is not below what is
  // claimed; the version grows by one. The changed row, or nullopt when no
  // row matched (the caller tells not found from a lost race by a load).
  static Result<std::optional<StoredTemplate>> update_rules(Txn& txn, int64_t template_id,
                                                            int64_t merchant_id, int64_t version,
                                                            const TemplateRules& rules,
                                                            int64_t now_ms);
  // Moves the merchant's template to `to` if its status is one of `from`
  // (one statement); the version grows by one. The moved row, or nullopt.
  static Result<std::optional<StoredTemplate>> move_status(Txn& txn, int64_t template_id,
                                                           int64_t merchant_id,
                                                           std::span<const TemplateStatus> from,
                                                           TemplateStatus to, int64_t now_ms);

  // The cache key of the merchant's coupon centre (routes read it through
  // get_or_load; every change of an ACTIVE-able template deletes it after commit).
  static std::string centre_key(int64_t merchant_id);
};

}  // namespace coupons
