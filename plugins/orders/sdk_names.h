// The SDK names the orders plugin uses unqualified, declared once for every
// file outside domain/ (which stays free of the SDK: it sees only Result,
// Status, Error and Json, through domain/values.h).
#pragma once

#include "domain/values.h"

#include <bazaar/sdk.hpp>

namespace orders {

using bazaar::sdk::Host;
using bazaar::sdk::Reply;
using bazaar::sdk::Request;
using bazaar::sdk::Row;
using bazaar::sdk::ServiceCall;
using bazaar::sdk::Txn;

}  // namespace orders
