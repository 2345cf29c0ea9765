#include "store/template_store.h"

#include <charconv>
#include <tuple>

namespace coupons {

namespace {

constexpr std::string_view kColumns =
    "id, merchant_id, status, name, kind, threshold, amount, percent, cap, scope, scope_sku_ids, "
    "valid_from_ms, valid_until_ms, valid_days, claim_from_ms, claim_until_ms, total, "
    "per_user_limit, "
    "stacks_with_activity, refund_returns, claimed, version, created_ms, updated_ms";

// The rules as the columns name ... refund_returns: parameters ?1 .. ?17 of
// every statement that writes them.
constexpr std::string_view kRuleAssignments =
    "name = ?1, kind = ?2, threshold = ?3, amount = ?4, percent = ?5, cap = ?6, scope = ?7, "
    "scope_sku_ids = ?8, valid_from_ms = ?9, valid_until_ms = ?10, valid_days = ?11, claim_from_ms "
    "= ?12, "
    "claim_until_ms = ?13, total = ?14, per_user_limit = ?15, stacks_with_activity = ?16, "
    "refund_returns = ?17";

std::string sku_list_text(const Scope& scope) {
  std::string out;
  for (int64_t id : scope.sku_ids) {
    if (!out.empty()) out += ' ';
    out += std::to_string(id);
  }
  return out;
}

std::vector<int64_t> sku_list_of(std::string_view text) {
  std::vector<int64_t> ids;
  while (!text.empty()) {
    const size_t blank = text.find(' ');
    const std::string_view part = text.substr(0, blank);
    int64_t id = 0;
    std::from_chars(part.data(), part.data() + part.size(), id);
    if (id > 0) ids.push_back(id);
    text = blank == std::string_view::npos ? std::string_view() : text.substr(blank + 1);
  }
  return ids;
}

auto rule_args(const TemplateRules& r) {
  const bool fixed = r.validity.kind == ValidityRule::Kind::kFixed;
  auto when = [&](bool given, int64_t value) {
    return given ? std::optional<int64_t>(value) : std::nullopt;
  };
  return std::make_tuple(
      r.name, std::string(to_string(r.money.kind)), r.money.threshold.in_fen(),
      r.money.amount.in_fen(), r.money.percent, r.money.cap.in_fen(),
      std::string(to_string(r.scope.kind)), sku_list_text(r.scope),
      when(fixed, r.validity.fixed.from_ms), when(fixed, r.validity.fixed.until_ms),
      when(!fixed, r.validity.days), r.claim_window.from_ms, r.claim_window.until_ms, r.total,
      r.per_user_limit, int64_t{r.stacks_with_activity ? 1 : 0}, int64_t{r.refund_returns ? 1 : 0});
}

// `sql` with the rules as ?1 .. ?17 and `extra` as ?18 onwards.
template <class... Extra>
Result<bazaar::sdk::Stmt> query_with_rules(Txn& txn, const std::string& sql,
                                           const TemplateRules& rules, const Extra&... extra) {
  return std::apply([&](const auto&... args) { return txn.query(sql, args..., extra...); },
                    rule_args(rules));
}

StoredTemplate read_template(const Row& r) {
  StoredTemplate s;
  CouponTemplate& t = s.tmpl;
  t.id = r.int64(0);
  t.merchant_id = r.int64(1);
  t.status = parse_template_status(r.text(2)).value_or(TemplateStatus::kEnded);
  TemplateRules& rules = t.rules;
  rules.name = r.string(3);
  rules.money.kind = parse_discount_kind(r.text(4)).value_or(DiscountKind::kAmountOff);
  rules.money.threshold = Money::fen(r.int64(5));
  rules.money.amount = Money::fen(r.int64(6));
  rules.money.percent = r.int64(7);
  rules.money.cap = Money::fen(r.int64(8));
  rules.scope.kind = parse_scope_kind(r.text(9)).value_or(ScopeKind::kAll);
  rules.scope.sku_ids = sku_list_of(r.text(10));
  if (auto days = r.optional_int64(13)) {
    rules.validity.kind = ValidityRule::Kind::kDaysFromClaim;
    rules.validity.days = *days;
  } else {
    rules.validity.kind = ValidityRule::Kind::kFixed;
    rules.validity.fixed = {r.int64(11), r.int64(12)};
  }
  rules.claim_window = {r.int64(14), r.int64(15)};
  rules.total = r.int64(16);
  rules.per_user_limit = r.int64(17);
  rules.stacks_with_activity = r.int64(18) != 0;
  rules.refund_returns = r.int64(19) != 0;
  s.claimed = r.int64(20);
  s.version = r.int64(21);
  s.created_ms = r.int64(22);
  s.updated_ms = r.int64(23);
  return s;
}

std::string select_where(std::string_view where) {
  return "SELECT " + std::string(kColumns) + " FROM coupons_templates WHERE " + std::string(where);
}

}  // namespace

uint32_t TemplateStore::home_shard(const Host& host, int64_t merchant_id) {
  return host.shard_of(static_cast<uint64_t>(merchant_id));
}

Status TemplateStore::insert(Txn& txn, const StoredTemplate& row) {
  const CouponTemplate& t = row.tmpl;
  BAZAAR_ASSIGN_OR_RETURN(
      auto stmt,
      query_with_rules(
          txn,
          "INSERT INTO coupons_templates (name, kind, threshold, amount, percent, cap, scope, "
          "scope_sku_ids, valid_from_ms, valid_until_ms, valid_days, claim_from_ms, "
          "claim_until_ms, "
          "total, per_user_limit, stacks_with_activity, refund_returns, id, merchant_id, status, "
          "claimed, version, created_ms, updated_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
          "?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?23) RETURNING id",
          t.rules, t.id, t.merchant_id, std::string(to_string(t.status)), row.claimed, row.version,
          row.created_ms));
  BAZAAR_RETURN_IF_ERROR(stmt.first([](const Row& r) { return r.int64(0); }));
  return bazaar::ok_status();
}

Result<std::optional<StoredTemplate>> TemplateStore::load(Txn& txn, int64_t template_id) {
  BAZAAR_ASSIGN_OR_RETURN(auto stmt, txn.query(select_where("id = ?1"), template_id));
  return stmt.first(read_template);
}

Result<std::vector<StoredTemplate>> TemplateStore::list_by_merchant(Txn& txn, int64_t merchant_id,
                                                                    int64_t before_id, int limit) {
  BAZAAR_ASSIGN_OR_RETURN(
      auto stmt, txn.query(select_where("merchant_id = ?1 AND id < ?2 ORDER BY id DESC LIMIT ?3"),
                           merchant_id, before_id, int64_t{limit}));
  return stmt.collect(read_template);
}

Result<std::vector<StoredTemplate>> TemplateStore::list_claimable(Txn& txn, int64_t merchant_id,
                                                                  int64_t now_ms, int limit) {
  BAZAAR_ASSIGN_OR_RETURN(
      auto stmt,
      txn.query(select_where("merchant_id = ?1 AND status = 'ACTIVE' AND claim_until_ms > ?2 "
                             "ORDER BY id DESC LIMIT ?3"),
                merchant_id, now_ms, int64_t{limit}));
  return stmt.collect(read_template);
}

Result<std::optional<StoredTemplate>> TemplateStore::update_rules(Txn& txn, int64_t template_id,
                                                                  int64_t merchant_id,
                                                                  int64_t version,
                                                                  const TemplateRules& rules,
                                                                  int64_t now_ms) {
  BAZAAR_ASSIGN_OR_RETURN(
      auto stmt,
      query_with_rules(
          txn,
          "UPDATE coupons_templates SET " + std::string(kRuleAssignments) +
              ", version = version + 1, updated_ms = ?18 WHERE id = ?19 AND "
              "merchant_id = ?20 AND version = ?21 AND status <> 'ENDED' AND claimed <= ?14 "
              "RETURNING " +
              std::string(kColumns),
          rules, now_ms, template_id, merchant_id, version));
  return stmt.first(read_template);
}

Result<std::optional<StoredTemplate>> TemplateStore::move_status(
    Txn& txn, int64_t template_id, int64_t merchant_id, std::span<const TemplateStatus> from,
    TemplateStatus to, int64_t now_ms) {
  // The allowed statuses are the domain's names, never input: written into the SQL.
  std::string from_list;
  for (TemplateStatus s : from) {
    from_list += from_list.empty() ? "'" : ", '";
    from_list += std::string(to_string(s)) + "'";
  }
  if (from_list.empty()) return std::optional<StoredTemplate>();
  BAZAAR_ASSIGN_OR_RETURN(
      auto stmt,
      txn.query("UPDATE coupons_templates SET status = ?1, version = version + 1, updated_ms = ?2 "
                "WHERE id = ?3 AND merchant_id = ?4 AND status IN (" +
                    from_list + ") RETURNING " + std::string(kColumns),
                std::string(to_string(to)), now_ms, template_id, merchant_id));
  return stmt.first(read_template);
}

std::string TemplateStore::centre_key(int64_t merchant_id) {
  return "coupon_centre1:" + std::to_string(merchant_id);
}

}  // namespace coupons
