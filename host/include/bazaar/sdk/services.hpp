// Services (ABI 1.2): what a service handler `Result<Json> P::f(const
// ServiceCall&)` receives. Calling a service is Host::call (host.hpp).
//
// Contract: valid during the handler call only. `input` is the caller's JSON;
// `request` may be null (a call from a background handler).
#pragma once

#include <bazaar/sdk/core.hpp>
#include <bazaar/sdk/storage.hpp>

#include <optional>

namespace bazaar::sdk {

// What a service handler receives: the caller's input, its request (may be
// null) and, when the caller passed one, its open transaction to join.
struct ServiceCall {
  Json input;
  const bz_request* request = nullptr;
  bz_txn* caller_txn = nullptr;
  const bz_host_api* api = nullptr;

  // The caller's transaction if it is on `shard` (join it: one commit for
  // both); otherwise nullopt and the service opens its own.
  std::optional<Txn> join(uint32_t shard) const {
    if (caller_txn == nullptr || api->txn_shard(caller_txn) != shard) return std::nullopt;
    return Txn::borrow(api, caller_txn);
  }
};

}  // namespace bazaar::sdk
