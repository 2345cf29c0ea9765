#include "lifecycle/templates.h"

#include "domain/template_update.h"

#include <array>
#include <vector>

namespace coupons {

namespace {

constexpr std::array kStatuses = {TemplateStatus::kDraft, TemplateStatus::kActive,
                                  TemplateStatus::kPaused, TemplateStatus::kEnded};

std::vector<TemplateStatus> statuses_that_may_move_to(TemplateStatus to) {
  std::vector<TemplateStatus> from;
  for (TemplateStatus s : kStatuses) {
    if (can_move(s, to)) from.push_back(s);
  }
  return from;
}

std::string_view verb_of(TemplateStatus to) {
  switch (to) {
    case TemplateStatus::kActive:
      return "activated";
    case TemplateStatus::kPaused:
      return "paused";
    case TemplateStatus::kEnded:
      return "ended";
    case TemplateStatus::kDraft:
      break;
  }
  return "moved to DRAFT";
}

Error stale_version(int64_t current) {
  return bazaar::conflict("TEMPLATE_VERSION",
                          "the template changed since it was read: its version is now " +
                              std::to_string(current) + "; read it again and redo the edit");
}

}  // namespace

Error template_not_found() {
  return bazaar::not_found("TEMPLATE_NOT_FOUND", "no such coupon template");
}

Result<StoredTemplate> Templates::create(int64_t merchant_id, const TemplateRules& rules,
                                         const bz_request* req) const {
  const uint32_t shard = TemplateStore::home_shard(host_, merchant_id);
  StoredTemplate row;
  row.tmpl.id = host_.next_id(shard);
  row.tmpl.merchant_id = merchant_id;
  row.tmpl.status = TemplateStatus::kDraft;
  row.tmpl.rules = rules;
  row.created_ms = row.updated_ms = host_.now_ms();
  BAZAAR_ASSIGN_OR_RETURN(Txn txn, host_.begin(shard, BZ_TXN_WRITE, req));
  BAZAAR_RETURN_IF_ERROR(TemplateStore::insert(txn, row));
  BAZAAR_RETURN_IF_ERROR(txn.commit());
  host_.count("templates_created");
  return row;
}

Result<StoredTemplate> Templates::load_own(int64_t template_id, int64_t merchant_id,
                                           const bz_request* req) const {
  // An id made on a shard this node does not have is nobody's template.
  if (host_.shard_of_id(template_id) >= host_.shard_count()) return template_not_found();
  BAZAAR_ASSIGN_OR_RETURN(Txn txn, host_.begin(host_.shard_of_id(template_id), BZ_TXN_READ, req));
  BAZAAR_ASSIGN_OR_RETURN(std::optional<StoredTemplate> row, TemplateStore::load(txn, template_id));
  if (!row || row->tmpl.merchant_id != merchant_id) return template_not_found();
  return std::move(*row);
}

Result<StoredTemplate> Templates::edit(int64_t template_id, int64_t merchant_id,
                                       const EditParser& parse, const bz_request* req) const {
  if (host_.shard_of_id(template_id) >= host_.shard_count()) return template_not_found();
  BAZAAR_ASSIGN_OR_RETURN(Txn txn, host_.begin(host_.shard_of_id(template_id), BZ_TXN_WRITE, req));
  BAZAAR_ASSIGN_OR_RETURN(std::optional<StoredTemplate> current,
                          TemplateStore::load(txn, template_id));
  if (!current || current->tmpl.merchant_id != merchant_id) return template_not_found();
  BAZAAR_ASSIGN_OR_RETURN(const TemplateEdit edit, parse(current->tmpl.rules));
  if (edit.version != current->version) return stale_version(current->version);
  BAZAAR_RETURN_IF_ERROR(check_update(current->tmpl, edit.rules, current->claimed));
  // The statement is the guard (version, status, claimed), whatever was read above.
  BAZAAR_ASSIGN_OR_RETURN(std::optional<StoredTemplate> changed,
                          TemplateStore::update_rules(txn, template_id, merchant_id, edit.version,
                                                      edit.rules, host_.now_ms()));
  if (!changed) return stale_version(current->version);
  txn.delete_after_commit(TemplateStore::centre_key(merchant_id));
  BAZAAR_RETURN_IF_ERROR(txn.commit());
  return std::move(*changed);
}

Result<StoredTemplate> Templates::move(int64_t template_id, int64_t merchant_id, TemplateStatus to,
                                       const bz_request* req) const {
  if (host_.shard_of_id(template_id) >= host_.shard_count()) return template_not_found();
  const std::vector<TemplateStatus> from = statuses_that_may_move_to(to);
  BAZAAR_ASSIGN_OR_RETURN(Txn txn, host_.begin(host_.shard_of_id(template_id), BZ_TXN_WRITE, req));
  BAZAAR_ASSIGN_OR_RETURN(
      std::optional<StoredTemplate> moved,
      TemplateStore::move_status(txn, template_id, merchant_id, from, to, host_.now_ms()));
  if (!moved) {
    // Not moved: say why from the row as it is (missing, another merchant's, or its status).
    BAZAAR_ASSIGN_OR_RETURN(std::optional<StoredTemplate> row,
                            TemplateStore::load(txn, template_id));
    if (!row || row->tmpl.merchant_id != merchant_id) return template_not_found();
    return bazaar::conflict("TEMPLATE_STATUS", "the template is " +
                                                   std::string(to_string(row->tmpl.status)) +
                                                   " and cannot be " + std::string(verb_of(to)));
  }
  txn.delete_after_commit(TemplateStore::centre_key(merchant_id));
  BAZAAR_RETURN_IF_ERROR(txn.commit());
  const std::string labels = "to=\"" + std::string(to_string(to)) + "\"";
  host_.count("template_moves", labels.c_str());
  return std::move(*moved);
}

}  // namespace coupons
