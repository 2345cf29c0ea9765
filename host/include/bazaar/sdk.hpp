// Header-only C++ SDK over the C plugin ABI (plugin.h): the one header a
// plugin includes. It gathers the SDK's parts, each with its own contract:
//
//   bazaar/sdk/core.hpp      Json, bz_str <-> string_view
//   bazaar/sdk/money.hpp     Money: integer fen with a named type
//   bazaar/sdk/enum_names.hpp
//                            EnumNames: an enum's names in one table, read both ways
//   bazaar/sdk/storage.hpp   Txn, Stmt, Row: transactions and row readers (ABI 1.1)
//   bazaar/sdk/cache.hpp     cache-aside, written once for the SDK and the host
//   bazaar/sdk/config.hpp    typed settings with clear errors (ConfigReader, or_throw)
//   bazaar/sdk/host.hpp      Host: logging, clock, settings, storage, cache, services
//   bazaar/sdk/request.hpp   Request, Reply
//   bazaar/sdk/ids.hpp       parse_id_text: ids as decimal strings at the edge
//   bazaar/sdk/paging.hpp    PageRequest, parse_page, page_json: cursor pages
//   bazaar/sdk/events.hpp    Event, EventContext (ABI 1.2)
//   bazaar/sdk/timers.hpp    Timer (ABI 1.2)
//   bazaar/sdk/services.hpp  ServiceCall (ABI 1.2)
//   bazaar/sdk/plugin.hpp    route<>, subscription<>, timer<>, service<>,
//                            describe<P>(), BAZAAR_PLUGIN, BAZAAR_EXPORT_PLUGIN
//
// A plugin is an ordinary class constructed from a Host, with handlers of the
// form `Result<Reply> handler(const Request&)`. Routes are declared in one
// constexpr table and the BAZAAR_PLUGIN macro exports the entry symbol:
//
//   class Hello {
//    public:
//     explicit Hello(bazaar::sdk::Host host) : host_(host) {}
//     bazaar::Result<bazaar::sdk::Reply> greet(const bazaar::sdk::Request& req) {
//       return bazaar::sdk::Reply::json({{"hello", req.param("name")}});
//     }
//    private:
//     bazaar::sdk::Host host_;
//   };
//   constexpr bz_route kRoutes[] = {
//       bazaar::sdk::route<&Hello::greet>("GET", "/api/v1/hello/{name}", BZ_ROLE_PUBLIC)};
//   BAZAAR_PLUGIN(Hello, "hello", "1.0.0", kRoutes)
//
// Exceptions never cross the C boundary: a constructor that throws makes init
// fail with the exception's text; a handler that throws answers 500 INTERNAL.
// See docs/PLUGINS.md.
#pragma once

#include <bazaar/plugin.h>
#include <bazaar/result.hpp>
#include <bazaar/sdk/cache.hpp>
#include <bazaar/sdk/config.hpp>
#include <bazaar/sdk/core.hpp>
#include <bazaar/sdk/enum_names.hpp>
#include <bazaar/sdk/events.hpp>
#include <bazaar/sdk/host.hpp>
#include <bazaar/sdk/ids.hpp>
#include <bazaar/sdk/money.hpp>
#include <bazaar/sdk/paging.hpp>
#include <bazaar/sdk/plugin.hpp>
#include <bazaar/sdk/request.hpp>
#include <bazaar/sdk/services.hpp>
#include <bazaar/sdk/storage.hpp>
#include <bazaar/sdk/timers.hpp>
