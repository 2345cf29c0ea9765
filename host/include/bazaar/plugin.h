/*
 * Bazaar plugin ABI, version 1.
 *
 * This header is the whole contract between bazaar-host and a plugin shared
 * object. It is C only: no C++ type, exception or heap ownership crosses it.
 *
 * Rules of evolution (read before changing anything here):
 *   - Every struct starts with `abi_version` and `struct_size`. The reader of a
 *     struct checks `struct_size` before touching a field added after v1.0.
 *   - Structs and the host function table only grow at the end. A new field or
 *     function bumps BZ_ABI_MINOR; removing or changing one bumps BZ_ABI_MAJOR,
 *     and the host refuses plugins of another major.
 *   - One exception, made once in ABI 1.4: bz_event and bz_timer (which the
 *     host hands to plugins) gained the `abi_version`/`struct_size` header at
 *     their front. The host hands each plugin the layout of the minor it
 *     declares in bz_plugin.abi_version: plugins built for 1.0-1.3 get the old
 *     layouts, frozen in <bazaar/plugin_v1_3.h>. From 1.4 on they only grow at
 *     the end like every other struct.
 *   - Errors come back as a bz_status code plus text written into a buffer the
 *     caller owns (never a pointer the callee allocated).
 *
 * A plugin exports exactly one symbol, `bz_plugin_entry`, returning a pointer
 * to a static bz_plugin. The host never dlclose()s a plugin: hot reload starts
 * new worker processes on the new set and drains the old ones.
 */
#ifndef BAZAAR_PLUGIN_H
#define BAZAAR_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define BZ_ABI_MAJOR 1u
#define BZ_ABI_MINOR 4u
#define BZ_ABI_VERSION ((BZ_ABI_MAJOR << 16) | BZ_ABI_MINOR)
#define BZ_ABI_MAJOR_OF(v) ((v) >> 16)
#define BZ_ABI_MINOR_OF(v) ((v) & 0xFFFFu)

#define BZ_PLUGIN_ENTRY_SYMBOL "bz_plugin_entry"

#if defined(__GNUC__)
#define BZ_EXPORT __attribute__((visibility("default")))
#else
#define BZ_EXPORT
#endif

/* The closed set of error codes. Each maps to one HTTP status in the host. */
typedef enum bz_status {
  BZ_OK = 0,
  BZ_INVALID_ARGUMENT = 1,     /* 400 */
  BZ_UNAUTHENTICATED = 2,      /* 401 */
  BZ_PERMISSION_DENIED = 3,    /* 403 */
  BZ_NOT_FOUND = 4,            /* 404 */
  BZ_CONFLICT = 5,             /* 409 */
  BZ_FAILED_PRECONDITION = 6,  /* 422 */
  BZ_RATE_LIMITED = 7,         /* 429 */
  BZ_UNAVAILABLE = 8,          /* 503 */
  BZ_INTERNAL = 9              /* 500 */
} bz_status;

/* A borrowed byte range; never owns its data, never NUL-terminated by contract. */
typedef struct bz_str {
  const char* data;
  size_t len;
} bz_str;

/* Roles a route accepts, as a bit mask. BZ_ROLE_PUBLIC (0) means no token needed. */
#define BZ_ROLE_PUBLIC 0u
#define BZ_ROLE_USER 1u
#define BZ_ROLE_MERCHANT 2u
#define BZ_ROLE_OPS 4u
#define BZ_ROLE_ANY (BZ_ROLE_USER | BZ_ROLE_MERCHANT | BZ_ROLE_OPS)

typedef enum bz_log_level {
  BZ_LOG_DEBUG = 0,
  BZ_LOG_INFO = 1,
  BZ_LOG_WARN = 2,
  BZ_LOG_ERROR = 3
} bz_log_level;

/* Opaque host objects. */
typedef struct bz_host bz_host;         /* one per loaded plugin, lives as long as the process */
typedef struct bz_response bz_response; /* one per request, valid during the handler call only */
typedef struct bz_txn bz_txn;           /* ABI 1.1: a transaction on one database */
typedef struct bz_stmt bz_stmt;         /* ABI 1.1: a prepared statement inside a bz_txn */
typedef struct bz_buf bz_buf;           /* ABI 1.2: a growable byte buffer the host owns */
typedef struct bz_event_ctx bz_event_ctx; /* ABI 1.2: one event delivery to one consumer */

/* ABI 1.1: the meta database (merchant-level definitions) instead of a shard. */
#define BZ_SHARD_META 0xFFFFFFFFu

typedef enum bz_txn_mode {
  BZ_TXN_READ = 0,  /* one consistent snapshot, no writes */
  BZ_TXN_WRITE = 1  /* takes the database's write lock at begin (BEGIN IMMEDIATE) */
} bz_txn_mode;

/* The caller, as proven by a verified token. role is one BZ_ROLE_* bit, or 0 when anonymous. */
typedef struct bz_identity {
  uint32_t role;
  int64_t subject_id; /* user id for BZ_ROLE_USER, merchant id for BZ_ROLE_MERCHANT, else 0 */
} bz_identity;

/* A request as the handler sees it. Every bz_str points into host memory that is
 * valid for the duration of the handler call only. */
typedef struct bz_request {
  uint32_t abi_version;
  uint32_t struct_size;
  bz_str method;
  bz_str path;         /* decoded path without the query string */
  bz_str query;        /* raw query string, without '?' */
  bz_str body;         /* raw body, already size-checked */
  bz_str request_id;   /* the id nginx assigned (X-Request-Id) */
  bz_str route;        /* the matched pattern, e.g. "/api/v1/orders/{id}" */
  const bz_str* param_names;  /* path parameters, in pattern order */
  const bz_str* param_values; /* percent-decoded */
  size_t param_count;
  bz_identity identity;
  int64_t deadline_ms; /* host-clock time after which the answer is useless (see now_ms) */
  const void* host_request; /* opaque, for host functions that read the request */
} bz_request;

/* A handler fills `resp` through the host function table and returns BZ_OK.
 * Returning any other status makes the host answer with that status's HTTP code
 * and the message in the error envelope unless the handler already wrote an error. */
typedef bz_status (*bz_handler_fn)(void* plugin_ctx, const bz_request* req, bz_response* resp);

typedef struct bz_route {
  const char* method;  /* "GET", "POST", "PUT", "PATCH", "DELETE" */
  const char* pattern; /* "/api/v1/things/{id}": literal segments and {name} parameters */
  uint32_t roles;      /* BZ_ROLE_* mask; BZ_ROLE_PUBLIC for no authentication */
  bz_handler_fn handler;
} bz_route;

/* ---- ABI 1.2 types: events, timers, services ------------------------------ */

/* A domain event as a consumer (or signal handler) sees it, valid during the
 * handler call only. Topics end with '.' ("order.paid.") so that prefix
 * subscriptions never match a longer name ("order.paid_late.").
 * ABI 1.4 added the abi_version/struct_size header; plugins built for an older
 * minor receive bz_event_v1_3 (plugin_v1_3.h) instead. */
typedef struct bz_event {
  uint32_t abi_version; /* ABI 1.4: BZ_ABI_VERSION of the host */
  uint32_t struct_size; /* ABI 1.4: sizeof(bz_event) as the host built it */
  bz_str topic;
  bz_str payload;        /* JSON text */
  int64_t id;            /* unique per node; the consumer's idempotency key */
  uint32_t origin_shard; /* the database whose outbox holds it */
  uint64_t sequence;     /* per origin shard, 1, 2, 3 ... without gaps */
  int64_t created_ms;
} bz_event;

/* Applies one event. Called at least once per event, on the background worker;
 * make the effect idempotent with event_txn_begin (the inbox record commits
 * with the effect). Returning non-OK retries the event later. */
typedef bz_status (*bz_event_fn)(void* plugin_ctx, const bz_event* event, bz_event_ctx* ectx,
                                 char* err, size_t err_len);

typedef struct bz_subscription {
  const char* name;         /* consumer name, unique within the plugin: [a-z0-9_]+ */
  const char* topic_prefix; /* must end with '.'; "order." receives every order event */
  bz_event_fn handler;
} bz_subscription;

/* A durable timer as its handler sees it, valid during the handler call only.
 * ABI 1.4 added the abi_version/struct_size header; plugins built for an older
 * minor receive bz_timer_v1_3 (plugin_v1_3.h) instead. */
typedef struct bz_timer {
  uint32_t abi_version; /* ABI 1.4: BZ_ABI_VERSION of the host */
  uint32_t struct_size; /* ABI 1.4: sizeof(bz_timer) as the host built it */
  bz_str kind;     /* the handler's kind, e.g. "payment_timeout" */
  bz_str key;      /* unique per (plugin, kind), e.g. the order id */
  bz_str payload;  /* as scheduled */
  int64_t due_ms;  /* host clock */
  uint32_t shard;  /* where the timer row lives */
  uint32_t attempt; /* 1 on the first run */
} bz_timer;

/* Runs a due timer, at least once (retried with back-off while it fails), on
 * the background worker. Must be idempotent. */
typedef bz_status (*bz_timer_fn)(void* plugin_ctx, const bz_timer* timer, char* err, size_t err_len);

typedef struct bz_timer_handler {
  const char* kind; /* [a-z0-9_]+ */
  bz_timer_fn handler;
} bz_timer_handler;

/* A service another plugin may call by name ("coupons.lock"). `txn` is the
 * caller's open transaction or NULL: the callee joins it when it works on the
 * same database (txn_shard), so both commit or roll back together, and opens
 * its own otherwise. The answer (JSON) goes into `out`. */
typedef bz_status (*bz_service_fn)(void* plugin_ctx, const bz_request* req, bz_str input,
                                   bz_txn* txn, bz_buf* out, char* err, size_t err_len);

typedef struct bz_service {
  const char* name; /* "<plugin>.<verb>", unique on the node */
  bz_service_fn handler;
} bz_service;

/* Functions the host offers to plugins. Append-only: a plugin built against an
 * older minor sees a prefix of this table; a plugin checks struct_size before
 * calling a function added after the minor it was built for. Unless noted, every
 * function may be called from any request thread, concurrently. */
typedef struct bz_host_api {
  uint32_t abi_version;
  uint32_t struct_size;

  /* One JSON log line tagged with the plugin's name (and the request id if req != NULL). */
  void (*log)(bz_host* host, const bz_request* req, bz_log_level level, bz_str message);

  /* Host clock in UTC milliseconds. Tests move it; plugins never read the wall clock. */
  int64_t (*now_ms)(bz_host* host);

  /* Plugin configuration from the host config (`plugin.<name>.<key> = value`).
   * Returns 1 and sets *out when present, 0 otherwise. *out lives as long as the process. */
  int (*config_get)(bz_host* host, const char* key, bz_str* out);

  /* A request header by its CGI name ("HTTP_IDEMPOTENCY_KEY", "CONTENT_TYPE").
   * Returns 1 and sets *out when present. Valid during the handler call only. */
  int (*request_param)(const bz_request* req, const char* name, bz_str* out);

  void (*response_status)(bz_response* resp, int http_status);
  /* Adds a header; the host rejects names or values containing CR or LF. */
  void (*response_header)(bz_response* resp, bz_str name, bz_str value);
  /* Appends to the body. The default content type is application/json. */
  void (*response_append)(bz_response* resp, bz_str bytes);
  /* Replaces status and body with the error envelope
   * {"error":{"code":..,"message":..,"request_id":..}}. code is a stable UPPER_SNAKE id. */
  void (*response_error)(bz_response* resp, bz_status status, const char* code, bz_str message);

  /* Adds delta to a counter `bazaar_plugin_<name>_total{plugin="..",<labels>}`;
   * labels is "" or `key="value",...`. */
  void (*metric_add)(bz_host* host, const char* name, const char* labels, uint64_t delta);

  /* ---- ABI 1.1: shards, ids and transactions ------------------------------ */

  /* Number of shards on this node (fixed for the node's data). */
  uint32_t (*shard_count)(bz_host* host);
  /* The shard that owns a user, SKU or group id (stable for a node). */
  uint32_t (*shard_of)(bz_host* host, uint64_t key);
  /* A new positive 64-bit id, time-ordered, owned by `shard` (recoverable with
   * id_shard). Returns 0 only for a shard out of range. */
  int64_t (*id_next)(bz_host* host, uint32_t shard);
  uint32_t (*id_shard)(int64_t id);

  /* Opens a transaction on `shard` (or BZ_SHARD_META). Waits for the write lock
   * no later than the request's deadline (req may be NULL: the host's busy
   * limit applies). BZ_UNAVAILABLE when the database stays busy. The caller
   * must end it with txn_commit or txn_rollback on the same thread. */
  bz_status (*txn_begin)(bz_host* host, const bz_request* req, uint32_t shard, bz_txn_mode mode,
                         bz_txn** out, char* err, size_t err_len);
  /* Commits and frees the transaction (whatever the outcome). */
  bz_status (*txn_commit)(bz_txn* txn, char* err, size_t err_len);
  /* Rolls back and frees the transaction. */
  void (*txn_rollback)(bz_txn* txn);
  /* Rows changed by the last statement. */
  int64_t (*txn_changes)(bz_txn* txn);

  /* A prepared statement (cached by SQL text on the connection). Valid until the
   * transaction ends or the same SQL is prepared again. Parameters are 1-based. */
  bz_status (*stmt_prepare)(bz_txn* txn, bz_str sql, bz_stmt** out, char* err, size_t err_len);
  bz_status (*stmt_bind_int64)(bz_stmt* stmt, int index, int64_t value);
  bz_status (*stmt_bind_text)(bz_stmt* stmt, int index, bz_str value); /* copied */
  bz_status (*stmt_bind_null)(bz_stmt* stmt, int index);
  /* 1: a row is ready; 0: done; negative: -(bz_status), with the reason in err.
   * A UNIQUE/CHECK/NOT NULL violation is -BZ_CONFLICT. */
  int (*stmt_step)(bz_stmt* stmt, char* err, size_t err_len);
  int64_t (*stmt_column_int64)(bz_stmt* stmt, int column); /* 0-based */
  /* Valid until the next step. */
  bz_str (*stmt_column_text)(bz_stmt* stmt, int column);
  int (*stmt_column_is_null)(bz_stmt* stmt, int column);

  /* ---- ABI 1.2: events, timers, cache, services, buffers -------------------- */

  /* The database a transaction works on (a shard index or BZ_SHARD_META). */
  uint32_t (*txn_shard)(bz_txn* txn);

  /* Writes an event to the outbox of the transaction's database: it is
   * published if and only if the transaction commits. `topic` must end with
   * '.'; payload is JSON text (at most 64 KiB). */
  bz_status (*event_publish)(bz_txn* txn, bz_str topic, bz_str payload, char* err, size_t err_len);

  /* For a consumer: begins a write transaction on `shard` that records this
   * event in the consumer's inbox. *already_applied = 1 means an earlier
   * delivery committed: the transaction is not opened (*out = NULL) and the
   * handler should return BZ_OK without acting. */
  bz_status (*event_txn_begin)(bz_event_ctx* ectx, uint32_t shard, bz_txn** out,
                               int* already_applied, char* err, size_t err_len);

  /* Schedules (or moves) timer (kind, key) of the calling plugin in the
   * transaction's database; it exists if and only if the transaction commits. */
  bz_status (*timer_schedule)(bz_txn* txn, bz_str kind, bz_str key, int64_t due_ms,
                              bz_str payload, char* err, size_t err_len);
  /* Removes a pending timer; 1 if one was removed, 0 if none, negative on error. */
  int (*timer_cancel)(bz_txn* txn, bz_str kind, bz_str key);

  /* Cache (memcached; every call is a no-op miss when none is configured).
   * Keys are namespaced by plugin; at most 200 bytes. Never the source of truth. */
  /* Value length on a hit (copied into buf up to cap; call again with a larger
   * buffer if it exceeds cap), -1 on a miss or any cache failure. */
  int64_t (*cache_get)(bz_host* host, bz_str key, char* buf, size_t cap);
  bz_status (*cache_set)(bz_host* host, bz_str key, bz_str value, uint32_t ttl_s);
  /* BZ_CONFLICT if the key exists (a lease for single-flight rebuilds). */
  bz_status (*cache_add)(bz_host* host, bz_str key, bz_str value, uint32_t ttl_s);
  bz_status (*cache_delete)(bz_host* host, bz_str key);
  /* Invalidates `key` after `txn` commits (never before: readers could refill
   * it with the old value): since 1.4 the host writes a 2 s marker that
   * cache-aside fills (add) cannot overwrite, rather than deleting it.
   * Does nothing if the transaction rolls back. */
  bz_status (*cache_delete_after_commit)(bz_txn* txn, bz_str key);
  /* Atomically adds delta to a counter, creating it with `delta` and ttl_s when
   * missing. BZ_UNAVAILABLE when the cache cannot answer. */
  bz_status (*cache_incr)(bz_host* host, bz_str key, uint64_t delta, uint32_t ttl_s,
                          uint64_t* value);

  /* Calls another plugin's service by name. BZ_UNAVAILABLE with "no service"
   * when nothing on the node offers it. */
  bz_status (*service_call)(bz_host* host, const bz_request* req, const char* name, bz_str input,
                            bz_txn* txn, bz_buf* out, char* err, size_t err_len);

  bz_buf* (*buf_new)(void);
  void (*buf_free)(bz_buf* buf);
  void (*buf_append)(bz_buf* buf, bz_str bytes);
  bz_str (*buf_view)(const bz_buf* buf);

  /* Broadcasts a signal to every worker (request and background) on the bus:
   * best effort and not persisted, for hints such as "rule set 7 changed" that
   * the receiver could also discover by a periodic check. Topic rules as for
   * events; payload JSON of at most 64 KiB. */
  bz_status (*signal_publish)(bz_host* host, bz_str topic, bz_str payload, char* err,
                              size_t err_len);

  /* ABI 1.3. cache_get, answered from this process's memory when it holds a
   * copy it fetched at most max_age_ms ago that no set or delete of the key
   * (through any worker of the node) has superseded since: a hot key costs no
   * memcached round trip. For cache-aside values; read counters and leases
   * with cache_get. */
  int64_t (*cache_get_near)(bz_host* host, bz_str key, uint32_t max_age_ms, char* buf, size_t cap);

  /* ---- ABI 1.4: the plugin's name, service discovery ----------------------- */

  /* The name this plugin was loaded under (its bz_plugin.name), e.g. for error
   * text naming a setting `plugin.<name>.<key>`. Valid for the life of the
   * process; may be called from init on. */
  bz_str (*plugin_name)(bz_host* host);

  /* Whether some loaded plugin offers the service `name` on this node: 1 yes,
   * 0 no, -1 not known yet. The host fills its service registry once every
   * plugin's init has returned, so calls from init (and from self_test in the
   * validation process, which never serves) answer -1; from the first request,
   * event, timer or signal on, 1 or 0, fixed for the life of the process (a
   * reload starts new processes). */
  int (*service_exists)(bz_host* host, const char* name);
} bz_host_api;

/* Whether a host table has function `fn` (a plugin built against a newer minor
 * than its host's checks before calling anything its host may lack). */
#define BZ_HOST_API_HAS(api, fn) \
  ((api)->struct_size >= offsetof(bz_host_api, fn) + sizeof(void*))

/* Size of the host table as of ABI 1.0 (a plugin built for 1.0 checks nothing). */
#define BZ_HOST_API_V1_0_SIZE (offsetof(bz_host_api, metric_add) + sizeof(void*))
/* As of ABI 1.3 (cache_get_near) and 1.4 (plugin_name, service_exists). */
#define BZ_HOST_API_V1_3_SIZE (offsetof(bz_host_api, cache_get_near) + sizeof(void*))
#define BZ_HOST_API_V1_4_SIZE (offsetof(bz_host_api, service_exists) + sizeof(void*))

typedef struct bz_plugin {
  uint32_t abi_version; /* BZ_ABI_VERSION the plugin was built against */
  uint32_t struct_size; /* sizeof(bz_plugin) as the plugin saw it */
  const char* name;     /* unique, [a-z][a-z0-9_]*, also the config and metrics prefix */
  const char* version;  /* free text shown to ops, e.g. "1.4.2" */

  /* Called once per process after load. On success stores the plugin's context in
   * *ctx_out and returns BZ_OK; on failure writes a reason into err (NUL-terminated,
   * at most err_len bytes) and returns another code: the plugin is then refused.
   * `api` and `host` stay valid for the life of the process. */
  bz_status (*init)(const bz_host_api* api, bz_host* host, void** ctx_out, char* err, size_t err_len);

  /* Called once when the process drains, after the last request. May be NULL. */
  void (*shutdown)(void* ctx);

  const bz_route* routes;
  size_t route_count;

  /* Optional check run by the host's validation child before a reload is rolled.
   * Same error contract as init. May be NULL. */
  bz_status (*self_test)(void* ctx, char* err, size_t err_len);

  /* ---- ABI 1.2 (read only when struct_size covers them) ---- */
  const bz_subscription* subscriptions;
  size_t subscription_count;
  const bz_timer_handler* timer_handlers;
  size_t timer_handler_count;
  const bz_service* services;
  size_t service_count;
  /* Signal handlers: called on every worker for each matching signal, with a
   * NULL bz_event_ctx (no inbox; a signal has id 0 and sequence 0). */
  const bz_subscription* signal_handlers;
  size_t signal_handler_count;
} bz_plugin;

/* Size of bz_plugin as of ABI 1.0; smaller structs are refused. */
#define BZ_PLUGIN_V1_0_SIZE (offsetof(bz_plugin, self_test) + sizeof(void*))
/* Size as of ABI 1.2: the host reads subscriptions, timers and services only
 * from plugins at least this large. */
#define BZ_PLUGIN_V1_2_SIZE (offsetof(bz_plugin, signal_handler_count) + sizeof(size_t))

/* Sizes of the host-to-plugin structs as of ABI 1.4 (their first version with
 * a header); a plugin reads a field added later only when struct_size covers it. */
#define BZ_EVENT_V1_4_SIZE (offsetof(bz_event, created_ms) + sizeof(int64_t))
#define BZ_TIMER_V1_4_SIZE (offsetof(bz_timer, attempt) + sizeof(uint32_t))

/* The one symbol a plugin exports. */
typedef const bz_plugin* (*bz_plugin_entry_fn)(void);

#ifdef __cplusplus
}
#endif

#endif /* BAZAAR_PLUGIN_H */
