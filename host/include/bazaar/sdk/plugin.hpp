// Declaring a plugin: the route, subscription, timer and service table
// entries bound to member functions, the bz_plugin descriptor built at compile
// time (describe<P>()), the export macros, and the trampolines that turn each
// C call from the host into a call on the plugin object.
//
// Contract: the plugin class P is constructed once per process from a Host
// (bazaar::sdk::Host); a constructor that throws refuses the plugin with the
// exception's text. Exceptions never cross the C boundary: a route handler
// that throws answers 500 INTERNAL (logged), any other handler fails that
// call with the text. Handler shapes:
//   route:        Result<Reply> P::f(const Request&)          (request threads)
//   subscription: Status P::f(const Event&, EventContext&)    (background worker)
//   signal:       Status P::f(const Event&, EventContext&)    (every worker; no inbox)
//   timer:        Status P::f(const Timer&)                   (background worker)
//   service:      Result<Json> P::f(const ServiceCall&)       (the caller's thread)
//   self-test:    Status P::self_test()                       (optional)
#pragma once

#include <bazaar/sdk/core.hpp>
#include <bazaar/sdk/events.hpp>
#include <bazaar/sdk/host.hpp>
#include <bazaar/sdk/request.hpp>
#include <bazaar/sdk/services.hpp>
#include <bazaar/sdk/timers.hpp>

#include <exception>
#include <new>
#include <string>
#include <utility>

namespace bazaar::sdk {

namespace detail {

template <class P>
struct Holder {
  const bz_host_api* api;
  bz_host* host;
  P plugin;
};

template <class M>
struct member_traits;
template <class P, class R>
struct member_traits<R (P::*)(const Request&)> {
  using plugin_type = P;
};
template <class P, class R>
struct member_traits<R (P::*)(const Request&) const> {
  using plugin_type = P;
};
template <class P, class R>
struct member_traits<R (P::*)(const Timer&)> {
  using plugin_type = P;
};
template <class P, class R>
struct member_traits<R (P::*)(const Timer&) const> {
  using plugin_type = P;
};

inline void write_reply(const bz_host_api* api, bz_response* resp, const Reply& reply) {
  api->response_status(resp, reply.status);
  for (const auto& [name, value] : reply.headers) {
    api->response_header(resp, to_bz(name), to_bz(value));
  }
  if (!reply.body.empty()) api->response_append(resp, to_bz(reply.body));
}

template <auto Handler>
bz_status trampoline(void* ctx, const bz_request* req, bz_response* resp) {
  using P = typename member_traits<decltype(Handler)>::plugin_type;
  auto* holder = static_cast<Holder<P>*>(ctx);
  const bz_host_api* api = holder->api;
  try {
    Request request(req, api, holder->host);
    Result<Reply> result = (holder->plugin.*Handler)(request);
    if (!result.ok()) {
      const Error& e = result.error();
      api->response_error(resp, e.status(), e.code().c_str(), to_bz(e.message()));
      return BZ_OK;
    }
    write_reply(api, resp, result.value());
    return BZ_OK;
  } catch (const std::exception& e) {
    api->log(holder->host, req, BZ_LOG_ERROR, to_bz(e.what()));
  } catch (...) {
    api->log(holder->host, req, BZ_LOG_ERROR, to_bz("unknown exception"));
  }
  api->response_error(resp, BZ_INTERNAL, "INTERNAL", to_bz("internal error"));
  return BZ_OK;
}

// A timer handler `Status P::f(const Timer&)`: an error or an exception fails
// this attempt (retried with back-off) with its message.
template <auto Handler>
bz_status timer_trampoline(void* ctx, const bz_timer* timer, char* err, size_t err_len) {
  using P = typename member_traits<decltype(Handler)>::plugin_type;
  auto* holder = static_cast<Holder<P>*>(ctx);
  try {
    Status result = (holder->plugin.*Handler)(Timer::from(holder->api, timer));
    if (result.ok()) return BZ_OK;
    const Error& e = result.error();
    copy_error((e.code() + ": " + e.message()).c_str(), err, err_len);
    return e.status() == BZ_OK ? BZ_INTERNAL : e.status();
  } catch (const std::exception& e) {
    copy_error(e.what(), err, err_len);
  } catch (...) {
    copy_error("unknown exception in timer handler", err, err_len);
  }
  return BZ_INTERNAL;
}

template <class P>
bz_status init(const bz_host_api* api, bz_host* host, void** ctx_out, char* err, size_t err_len) {
  try {
    *ctx_out = new Holder<P>{api, host, P(Host(api, host))};
    return BZ_OK;
  } catch (const std::exception& e) {
    copy_error(e.what(), err, err_len);
  } catch (...) {
    copy_error("unknown exception in plugin constructor", err, err_len);
  }
  return BZ_INTERNAL;
}

template <class P>
void shutdown(void* ctx) {
  delete static_cast<Holder<P>*>(ctx);
}

template <class P>
bz_status self_test(void* ctx, char* err, size_t err_len) {
  if constexpr (requires(P& p) { p.self_test(); }) {
    try {
      Status s = static_cast<Holder<P>*>(ctx)->plugin.self_test();
      if (s.ok()) return BZ_OK;
      copy_error(s.error().message().c_str(), err, err_len);
      return s.error().status();
    } catch (const std::exception& e) {
      copy_error(e.what(), err, err_len);
      return BZ_INTERNAL;
    }
  } else {
    (void)ctx;
    (void)err;
    (void)err_len;
    return BZ_OK;
  }
}

template <class M>
struct event_traits;
template <class P, class R>
struct event_traits<R (P::*)(const Event&, EventContext&)> {
  using plugin_type = P;
};

template <auto Handler>
bz_status event_trampoline(void* ctx, const bz_event* ev, bz_event_ctx* ectx, char* err,
                           size_t err_len) {
  using P = typename event_traits<decltype(Handler)>::plugin_type;
  auto* holder = static_cast<Holder<P>*>(ctx);
  try {
    Event event = Event::from(holder->api, ev);
    EventContext context(holder->api, ectx);
    Status s = (holder->plugin.*Handler)(event, context);
    if (s.ok()) return BZ_OK;
    copy_error(s.error().message().c_str(), err, err_len);
    return s.error().status();
  } catch (const std::exception& e) {
    copy_error(e.what(), err, err_len);
  } catch (...) {
    copy_error("unknown exception in event handler", err, err_len);
  }
  return BZ_INTERNAL;
}

template <class M>
struct service_traits;
template <class P, class R>
struct service_traits<R (P::*)(const ServiceCall&)> {
  using plugin_type = P;
};

template <auto Handler>
bz_status service_trampoline(void* ctx, const bz_request* req, bz_str input, bz_txn* txn,
                             bz_buf* out, char* err, size_t err_len) {
  using P = typename service_traits<decltype(Handler)>::plugin_type;
  auto* holder = static_cast<Holder<P>*>(ctx);
  const bz_host_api* api = holder->api;
  try {
    Json doc = Json::parse(view(input), nullptr, false);
    if (doc.is_discarded()) {
      copy_error("service input is not JSON", err, err_len);
      return BZ_INVALID_ARGUMENT;
    }
    ServiceCall call{std::move(doc), req, txn, api};
    Result<Json> r = (holder->plugin.*Handler)(call);
    if (!r.ok()) {
      std::string envelope = Json{{"code", r.error().code()}, {"message", r.error().message()}}.dump();
      api->buf_append(out, to_bz(envelope));
      copy_error(r.error().message().c_str(), err, err_len);
      return r.error().status();
    }
    std::string text = r->dump();
    api->buf_append(out, to_bz(text));
    return BZ_OK;
  } catch (const std::exception& e) {
    copy_error(e.what(), err, err_len);
  } catch (...) {
    copy_error("unknown exception in service", err, err_len);
  }
  return BZ_INTERNAL;
}

}  // namespace detail

// A service bound to `Result<Json> P::f(const ServiceCall&)`, named
// "<plugin>.<verb>".
template <auto Handler>
constexpr bz_service service(const char* name) {
  return bz_service{name, &detail::service_trampoline<Handler>};
}

// A subscription bound to `Status P::f(const Event&, EventContext&)`. The topic
// prefix ends with '.'; `name` is unique in the plugin and keys the inbox.
template <auto Handler>
constexpr bz_subscription subscription(const char* name, const char* topic_prefix) {
  return bz_subscription{name, topic_prefix, &detail::event_trampoline<Handler>};
}

// One route table entry bound to a member function `Result<Reply> P::f(const Request&)`.
template <auto Handler>
constexpr bz_route route(const char* method, const char* pattern, uint32_t roles) {
  return bz_route{method, pattern, roles, &detail::trampoline<Handler>};
}

// One timer table entry bound to `Status P::f(const Timer&)`, for
// describe<P>(...).with_timers(kTimers). kind: [a-z0-9_]{1,64}, unique per plugin.
template <auto Handler>
constexpr bz_timer_handler timer(const char* kind) {
  return bz_timer_handler{kind, &detail::timer_trampoline<Handler>};
}

// Describes a plugin at compile time:
//   constexpr bz_plugin kPlugin = bazaar::sdk::describe<Orders>("orders", "1.0.0")
//                                     .with_routes(kRoutes).with_timers(kTimers);
//   BAZAAR_EXPORT_PLUGIN(kPlugin)
template <class P>
class Describe {
 public:
  constexpr Describe(const char* name, const char* version)
      : p_{BZ_ABI_VERSION, sizeof(bz_plugin), name,    version, &detail::init<P>,
           &detail::shutdown<P>, nullptr,        0,       &detail::self_test<P>,
           nullptr,              0,              nullptr, 0,
           nullptr,              0,              nullptr, 0} {}
  template <size_t N>
  constexpr Describe with_routes(const bz_route (&routes)[N]) const {
    return with<&bz_plugin::routes, &bz_plugin::route_count>(routes);
  }
  template <size_t N>
  constexpr Describe with_subscriptions(const bz_subscription (&subs)[N]) const {
    return with<&bz_plugin::subscriptions, &bz_plugin::subscription_count>(subs);
  }
  template <size_t N>
  constexpr Describe with_timers(const bz_timer_handler (&timers)[N]) const {
    return with<&bz_plugin::timer_handlers, &bz_plugin::timer_handler_count>(timers);
  }
  template <size_t N>
  constexpr Describe with_services(const bz_service (&services)[N]) const {
    return with<&bz_plugin::services, &bz_plugin::service_count>(services);
  }
  template <size_t N>
  constexpr Describe with_signals(const bz_subscription (&handlers)[N]) const {
    return with<&bz_plugin::signal_handlers, &bz_plugin::signal_handler_count>(handlers);
  }
  constexpr operator bz_plugin() const { return p_; }  // NOLINT: the point of the builder

 private:
  // A copy with one table (pointer and count members of bz_plugin) set.
  template <auto Table, auto Count, class T, size_t N>
  constexpr Describe with(const T (&items)[N]) const {
    Describe d = *this;
    d.p_.*Table = items;
    d.p_.*Count = N;
    return d;
  }

  bz_plugin p_;
};

template <class P>
constexpr Describe<P> describe(const char* name, const char* version) {
  return Describe<P>(name, version);
}

template <class P, size_t N>
constexpr bz_plugin make_plugin(const char* name, const char* version, const bz_route (&routes)[N]) {
  return describe<P>(name, version).with_routes(routes);
}

}  // namespace bazaar::sdk

// Exports the plugin's entry symbol for a plugin that only serves routes.
// Use once per plugin, at namespace scope.
#define BAZAAR_PLUGIN(Type, name, version, routes)                              \
  extern "C" BZ_EXPORT const bz_plugin* bz_plugin_entry(void) {                 \
    static constexpr bz_plugin kBazaarPlugin =                                  \
        ::bazaar::sdk::make_plugin<Type>(name, version, routes);                \
    return &kBazaarPlugin;                                                      \
  }

// Exports a plugin described with bazaar::sdk::describe (a constexpr bz_plugin).
#define BAZAAR_EXPORT_PLUGIN(descriptor)                                        \
  extern "C" BZ_EXPORT const bz_plugin* bz_plugin_entry(void) {                 \
    static constexpr bz_plugin kBazaarPlugin = descriptor;                      \
    return &kBazaarPlugin;                                                      \
  }
