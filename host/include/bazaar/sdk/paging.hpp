// Cursor pages of list endpoints (docs/API.md: ?cursor=&limit=), shared by
// every plugin that lists its rows. Contract: a page is the rows with id
// below the cursor, newest first; ids are time-ordered, so a page is stable
// while rows are added and the last id of a full page is the next cursor.
#pragma once

#include <bazaar/result.hpp>
#include <bazaar/sdk/ids.hpp>
#include <bazaar/sdk/core.hpp>
#include <bazaar/sdk/request.hpp>

#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bazaar::sdk {

// ?cursor=&limit= of a list endpoint.
struct PageRequest {
  int64_t before_id = INT64_MAX;  // rows with id < before_id
  int limit = 20;
};

// 400 BAD_CURSOR (not an id), BAD_LIMIT (not 1..100; default 20).
inline Result<PageRequest> parse_page(const Request& req) {
  PageRequest page;
  if (auto cursor = req.query("cursor"); cursor && !cursor->empty()) {
    auto id = parse_id_text(*cursor);
    if (!id) return invalid_argument("BAD_CURSOR", "cursor is not one this API gave out");
    page.before_id = *id;
  }
  if (auto limit = req.query("limit"); limit && !limit->empty()) {
    int value = 0;
    auto [end, ec] = std::from_chars(limit->data(), limit->data() + limit->size(), value);
    if (ec != std::errc() || end != limit->data() + limit->size() || value < 1 || value > 100) {
      return invalid_argument("BAD_LIMIT", "limit must be from 1 to 100");
    }
    page.limit = value;
  }
  return page;
}

// {"<name>": [to_json(row)…], "next_cursor": "<last id>" | null}: a cursor
// only when the page is full (rows are the newest `page.limit` below the cursor).
template <class Row, class ToJson, class IdOf>
Json page_json(const char* name, const std::vector<Row>& rows, const PageRequest& page, ToJson&& to_json,
               IdOf&& id_of) {
  Json list = Json::array();
  for (const Row& row : rows) list.push_back(to_json(row));
  Json next = nullptr;
  if (rows.size() == static_cast<size_t>(page.limit)) next = std::to_string(id_of(rows.back()));
  return {{name, std::move(list)}, {"next_cursor", std::move(next)}};
}

}  // namespace bazaar::sdk
