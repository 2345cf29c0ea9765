// Merchant-wide lists (SKUs, flash sales, orders) that span every shard: each shard answers its
// newest rows below the cursor, and the merge keeps the newest `limit`
// overall. Ids are time-ordered, so the page is stable while rows are added
// and the last id is the next cursor.
#pragma once

#include "domain/values.h"

#include "sdk_names.h"

#include <algorithm>
#include <vector>

namespace orders {

// ?cursor=&limit= and the page's JSON: the SDK's (bazaar/sdk/paging.hpp).
using bazaar::sdk::page_json;
using bazaar::sdk::PageRequest;
using bazaar::sdk::parse_page;

template <class Row, class PerShard, class IdOf>
Result<std::vector<Row>> newest_across_shards(const bazaar::sdk::Host& host, const bz_request* req,
                                              const PageRequest& page, PerShard&& per_shard,
                                              IdOf&& id_of) {
  std::vector<Row> rows;
  for (uint32_t shard = 0; shard < host.shard_count(); ++shard) {
    BAZAAR_ASSIGN_OR_RETURN(auto txn, host.begin(shard, BZ_TXN_READ, req));
    BAZAAR_ASSIGN_OR_RETURN(std::vector<Row> part, per_shard(txn));
    for (Row& row : part) rows.push_back(std::move(row));
  }
  std::sort(rows.begin(), rows.end(), [&](const Row& a, const Row& b) { return id_of(a) > id_of(b); });
  if (rows.size() > static_cast<size_t>(page.limit)) rows.resize(static_cast<size_t>(page.limit));
  return rows;
}

}  // namespace orders
