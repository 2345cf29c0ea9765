// A statement run for its effect: the Status of a Txn::exec whose count of
// changed rows the caller does not need.
#pragma once

#include <bazaar/result.hpp>

#include <cstdint>

namespace orders {

inline bazaar::Status written(const bazaar::Result<int64_t>& changed) {
  if (!changed.ok()) return changed.error();
  return bazaar::ok_status();
}

}  // namespace orders
