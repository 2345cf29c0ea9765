// Money in the orders plugin is the SDK's (bazaar/sdk/money.hpp): integer fen
// with a named type, shared with the plugins that join the order's chain.
// The names stay in `orders` so that the plugin's code reads as before; JSON
// and printing come with the type (found by argument-dependent lookup).
#pragma once

#include <bazaar/sdk/money.hpp>

namespace orders {

using bazaar::sdk::kZero;
using bazaar::sdk::Money;

}  // namespace orders
