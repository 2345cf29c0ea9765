#include "routes/paging.h"

#include <charconv>

namespace orders {

Result<PageRequest> parse_page(const bazaar::sdk::Request& req) {
  PageRequest page;
  if (auto cursor = req.query("cursor"); cursor && !cursor->empty()) {
    auto id = parse_id_text(*cursor);
    if (!id) return bazaar::invalid_argument("BAD_CURSOR", "cursor is not one this API gave out");
    page.before_id = *id;
  }
  if (auto limit = req.query("limit"); limit && !limit->empty()) {
    int value = 0;
    auto [end, ec] = std::from_chars(limit->data(), limit->data() + limit->size(), value);
    if (ec != std::errc() || end != limit->data() + limit->size() || value < 1 || value > 100) {
      return bazaar::invalid_argument("BAD_LIMIT", "limit must be from 1 to 100");
    }
    page.limit = value;
  }
  return page;
}

}  // namespace orders
