// The SDK names the coupons plugin uses unqualified, declared once for every
// file outside domain/ (which stays free of the host: it sees Result, Json,
// Money and the SDK's pure headers only).
#pragma once

#include <bazaar/sdk.hpp>

namespace coupons {

using bazaar::Error;
using bazaar::Result;
using bazaar::Status;
using bazaar::sdk::Host;
using bazaar::sdk::Reply;
using bazaar::sdk::Request;
using bazaar::sdk::Row;
using bazaar::sdk::Txn;
using Json = nlohmann::json;

}  // namespace coupons
