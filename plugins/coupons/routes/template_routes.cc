#include "routes/template_routes.h"

#include <charconv>

namespace coupons {

namespace {

// The centre shows at most this many templates of a merchant (newest first).
constexpr int kCentreMax = 100;

// Read "near" (from the worker's memory while no worker changed it); every
// change of a merchant's template deletes the entry after its commit.
const bazaar::sdk::CacheOptions kCentreCache{
    .ttl_s = 60, .negative_ttl_s = 10, .near_max_age_ms = 10'000};

// The merchant's view: the rules (template_json.h's shape) and the row.
Json template_json(const StoredTemplate& s) {
  Json out = to_json(s.tmpl.rules);
  out["template_id"] = std::to_string(s.tmpl.id);
  out["merchant_id"] = std::to_string(s.tmpl.merchant_id);
  out["status"] = to_string(s.tmpl.status);
  out["claimed"] = s.claimed;
  out["version"] = s.version;
  out["created_ms"] = s.created_ms;
  out["updated_ms"] = s.updated_ms;
  return out;
}

// What a shopper sees in the centre: the rules, no bookkeeping.
Json centre_json(const StoredTemplate& s) {
  Json out = to_json(s.tmpl.rules);
  out["template_id"] = std::to_string(s.tmpl.id);
  out["merchant_id"] = std::to_string(s.tmpl.merchant_id);
  return out;
}

// The cached centre is one line per template, "<claim_from_ms> <claim_until_ms> <JSON>":
// the reader keeps the lines whose claim window holds now, without parsing the JSON.
std::string centre_entry(const std::vector<StoredTemplate>& rows) {
  std::string entry;
  for (const StoredTemplate& s : rows) {
    const Window& w = s.tmpl.rules.claim_window;
    entry += std::to_string(w.from_ms) + ' ' + std::to_string(w.until_ms) + ' ' +
             centre_json(s).dump() + '\n';
  }
  return entry;
}

std::string open_now(std::string_view entry, int64_t now_ms) {
  std::string list = "[";
  while (!entry.empty()) {
    const size_t newline = entry.find('\n');
    const std::string_view line = entry.substr(0, newline);
    entry = newline == std::string_view::npos ? std::string_view() : entry.substr(newline + 1);
    const size_t first = line.find(' ');
    const size_t second = first == std::string_view::npos ? first : line.find(' ', first + 1);
    if (second == std::string_view::npos) continue;
    int64_t from = 0, until = 0;
    std::from_chars(line.data(), line.data() + first, from);
    std::from_chars(line.data() + first + 1, line.data() + second, until);
    if (!Window{from, until}.contains(now_ms)) continue;
    if (list.size() > 1) list += ',';
    list += line.substr(second + 1);
  }
  return list + "]";
}

Result<Json> json_body(const Request& req) {
  Json doc = Json::parse(req.body(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded())
    return bazaar::invalid_argument("INVALID_JSON", "request body is not valid JSON");
  return doc;
}

// The template the path names: any text that is not an id is no template.
Result<int64_t> template_id_of(const Request& req) {
  auto id = bazaar::sdk::parse_id_text(req.param("id"));
  if (!id) return template_not_found();
  return *id;
}

}  // namespace

Result<Reply> TemplateRoutes::create(const Request& req) const {
  BAZAAR_ASSIGN_OR_RETURN(const Json body, json_body(req));
  BAZAAR_ASSIGN_OR_RETURN(const TemplateRules rules, parse_template_rules(body));
  BAZAAR_ASSIGN_OR_RETURN(const StoredTemplate row,
                          templates_.create(req.identity().subject_id, rules, req.raw()));
  return Reply::created(template_json(row));
}

Result<Reply> TemplateRoutes::get_own(const Request& req) const {
  BAZAAR_ASSIGN_OR_RETURN(const int64_t id, template_id_of(req));
  BAZAAR_ASSIGN_OR_RETURN(const StoredTemplate row,
                          templates_.load_own(id, req.identity().subject_id, req.raw()));
  return Reply::json(template_json(row));
}

Result<Reply> TemplateRoutes::list_own(const Request& req) const {
  BAZAAR_ASSIGN_OR_RETURN(const bazaar::sdk::PageRequest page, bazaar::sdk::parse_page(req));
  const int64_t merchant = req.identity().subject_id;
  BAZAAR_ASSIGN_OR_RETURN(
      Txn txn, host_.begin(TemplateStore::home_shard(host_, merchant), BZ_TXN_READ, req.raw()));
  BAZAAR_ASSIGN_OR_RETURN(
      const std::vector<StoredTemplate> rows,
      TemplateStore::list_by_merchant(txn, merchant, page.before_id, page.limit));
  return Reply::json(bazaar::sdk::page_json("templates", rows, page, template_json,
                                            [](const StoredTemplate& s) { return s.tmpl.id; }));
}

Result<Reply> TemplateRoutes::edit(const Request& req) const {
  BAZAAR_ASSIGN_OR_RETURN(const int64_t id, template_id_of(req));
  BAZAAR_ASSIGN_OR_RETURN(const Json body, json_body(req));
  BAZAAR_ASSIGN_OR_RETURN(const StoredTemplate row, templates_.edit(
                                                        id, req.identity().subject_id,
                                                        [&](const TemplateRules& current) {
                                                          return parse_template_edit(current, body);
                                                        },
                                                        req.raw()));
  return Reply::json(template_json(row));
}

Result<Reply> TemplateRoutes::move(const Request& req, TemplateStatus to) const {
  BAZAAR_ASSIGN_OR_RETURN(const int64_t id, template_id_of(req));
  BAZAAR_ASSIGN_OR_RETURN(const StoredTemplate row,
                          templates_.move(id, req.identity().subject_id, to, req.raw()));
  return Reply::json(template_json(row));
}

Result<Reply> TemplateRoutes::centre(const Request& req) const {
  const std::optional<int64_t> merchant =
      bazaar::sdk::parse_id_text(req.query("merchant_id").value_or(""));
  if (!merchant)
    return bazaar::invalid_argument("BAD_MERCHANT_ID", "merchant_id must be a merchant's id");
  const int64_t now = host_.now_ms();
  BAZAAR_ASSIGN_OR_RETURN(
      const std::optional<std::string> entry,
      host_.get_or_load(TemplateStore::centre_key(*merchant), kCentreCache, req.raw(),
                        [&]() -> Result<std::optional<std::string>> {
                          BAZAAR_ASSIGN_OR_RETURN(
                              Txn txn, host_.begin(TemplateStore::home_shard(host_, *merchant),
                                                   BZ_TXN_READ, req.raw()));
                          BAZAAR_ASSIGN_OR_RETURN(
                              const std::vector<StoredTemplate> rows,
                              TemplateStore::list_claimable(txn, *merchant, now, kCentreMax));
                          return std::optional<std::string>(centre_entry(rows));
                        }));
  const std::string body = R"({"merchant_id":")" + std::to_string(*merchant) + R"(","templates":)" +
                           open_now(entry.value_or(""), now) + "}";
  return Reply{200, body, {}};
}

}  // namespace coupons
