#include "domain/chain_config.h"

#include <set>

namespace orders {

namespace {

bool is_name(std::string_view text, size_t max) {
  if (text.empty() || text.size() > max || text[0] < 'a' || text[0] > 'z') return false;
  for (char c : text) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

Error bad(std::string_view entry, const std::string& why) {
  return bazaar::invalid_argument("BAD_CONFIG", "plugin.orders.participants: \"" + std::string(entry) +
                                                    "\" " + why);
}

std::vector<std::string_view> split_entries(std::string_view text) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (text[i] == ' ' || text[i] == ',' || text[i] == '\t')) ++i;
    size_t start = i;
    while (i < text.size() && text[i] != ' ' && text[i] != ',' && text[i] != '\t') ++i;
    if (i > start) out.push_back(text.substr(start, i - start));
  }
  return out;
}

}  // namespace

Result<std::vector<ChainEntry>> parse_chain(std::string_view text) {
  std::vector<ChainEntry> chain;
  std::set<std::string, std::less<>> fields;
  std::set<std::string, std::less<>> participants;
  for (std::string_view entry : split_entries(text)) {
    const size_t eq = entry.find('=');
    const size_t colon = entry.find(':', eq == std::string_view::npos ? 0 : eq);
    if (eq == std::string_view::npos || colon == std::string_view::npos) {
      return bad(entry, "is not field=participant:stage");
    }
    ChainEntry e;
    e.field = std::string(entry.substr(0, eq));
    e.participant = std::string(entry.substr(eq + 1, colon - eq - 1));
    const std::string_view stage = entry.substr(colon + 1);
    if (!is_name(e.field, 32) || e.field == "items" || e.field == "address") {
      return bad(entry, "names no usable request field ([a-z][a-z0-9_]{0,31}, not items or address)");
    }
    if (!is_name(e.participant, 64) || e.participant == "stock") {
      return bad(entry, "names no usable participant ([a-z][a-z0-9_]{0,63}; stock is always first)");
    }
    auto parsed = parse_stage(stage);
    if (!parsed) return bad(entry, "has stage \"" + std::string(stage) + "\": use activity, discount or after");
    e.stage = *parsed;
    if (!fields.insert(e.field).second) return bad(entry, "repeats the field " + e.field);
    if (!participants.insert(e.participant).second) return bad(entry, "repeats the participant " + e.participant);
    if (!chain.empty() && chain.back().stage > e.stage) {
      return bad(entry, "comes after a " + std::string(to_string(chain.back().stage)) +
                            " participant: prices are settled activity, then discount, then after");
    }
    chain.push_back(std::move(e));
  }
  return chain;
}

}  // namespace orders
