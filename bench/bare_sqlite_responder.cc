// bench_bare_sqlite_responder SOCKET_PATH DATA_DIR full|normal [THREADS [FILES [outbox]]]
//
// The baseline bench/run-storage.sh compares bazaar-host's POST /api/v1/fxev/write
// against: bench_bare_responder plus one durable SQLite write per request, and
// nothing else (no routing, JSON library, outbox, ids, metrics or logging).
//
//   POST (any path), body {"key":K}: INSERT one (id, key, created_ms) row into
//        bare-NNN.db number shard_of(K) (the host's Fibonacci hash) in its own
//        BEGIN IMMEDIATE ... COMMIT; 201 {"id":"..."}. 503 when the write lock
//        stays busy for 5 s, 500 on any other SQLite error, 400 without a key.
//   GET  (any path): {"written":N,"busy_waits":M}: the 201 answers given so far
//        (the benchmark's rows == answers cross-check) and the busy waits
//        begun (the host's bazaar_db_busy_waits_total, counted the same way).
//
// Fair to the host on everything that costs: FILES SQLite files in WAL mode
// (default 8, the host's shard count), the same `synchronous`, one connection
// per thread per file with the statements prepared once, and the host's busy
// handler (yield four times, then sleep 20 us doubling to 1 ms; never SQLite's
// default 1..100 ms sleeps).
//
// With "outbox" (a diagnostic, not the baseline) each transaction also inserts
// one event row into bare_outbox, a copy of the host's bazaar_outbox (rowid
// key, no other index): the SQLite cost of the outbox design, without the
// host's relay, JSON, ids or dispatch.
#include <fcgiapp.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

namespace {

constexpr int64_t kBusyLimitUs = 5'000'000;
std::atomic<int64_t> g_written{0};
std::atomic<int64_t> g_next_id{0};
std::atomic<int64_t> g_busy_waits{0};
bool g_outbox = false;

int64_t mono_us() {
  using namespace std::chrono;
  return duration_cast<microseconds>(steady_clock::now().time_since_epoch()).count();
}

int64_t wall_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

// The host's Database::on_busy, minus metrics and request deadlines.
struct BusyState {
  int64_t started_us = 0;
};
int on_busy(void* self, int attempt) {
  auto* b = static_cast<BusyState*>(self);
  int64_t now = mono_us();
  if (attempt == 0) {
    b->started_us = now;
    g_busy_waits.fetch_add(1, std::memory_order_relaxed);
  }
  int64_t limit = b->started_us + kBusyLimitUs;
  if (now >= limit) return 0;
  if (attempt < 4) {
    std::this_thread::yield();
  } else {
    int64_t sleep_us = std::min<int64_t>(20LL << std::min(attempt - 4, 6), 1000);
    std::this_thread::sleep_for(std::chrono::microseconds(std::min(sleep_us, limit - now)));
  }
  return 1;
}

struct Conn {
  sqlite3* db = nullptr;
  sqlite3_stmt* begin = nullptr;
  sqlite3_stmt* insert = nullptr;
  sqlite3_stmt* event = nullptr;
  sqlite3_stmt* commit = nullptr;
  sqlite3_stmt* rollback = nullptr;
  BusyState busy;
};

bool exec(sqlite3* db, const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &err) == SQLITE_OK) return true;
  std::fprintf(stderr, "bench_bare_sqlite_responder: %s: %s\n", sql, err ? err : "?");
  sqlite3_free(err);
  return false;
}

bool open_conn(const std::string& path, const char* sync, Conn& c) {
  if (sqlite3_open_v2(path.c_str(), &c.db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                      nullptr) != SQLITE_OK) {
    std::fprintf(stderr, "bench_bare_sqlite_responder: open %s: %s\n", path.c_str(), sqlite3_errmsg(c.db));
    return false;
  }
  sqlite3_busy_handler(c.db, &on_busy, &c.busy);
  std::string pragmas = std::string("PRAGMA journal_mode=WAL; PRAGMA synchronous=") + sync + ";";
  if (!exec(c.db, pragmas.c_str())) return false;
  auto prep = [&](const char* sql, sqlite3_stmt** out) {
    if (sqlite3_prepare_v3(c.db, sql, -1, SQLITE_PREPARE_PERSISTENT, out, nullptr) == SQLITE_OK) return true;
    std::fprintf(stderr, "bench_bare_sqlite_responder: prepare %s: %s\n", sql, sqlite3_errmsg(c.db));
    return false;
  };
  return prep("BEGIN IMMEDIATE", &c.begin) &&
         prep("INSERT INTO bare_writes (id, key, created_ms) VALUES (?, ?, ?)", &c.insert) &&
         prep("COMMIT", &c.commit) && prep("ROLLBACK", &c.rollback) &&
         (!g_outbox ||
          prep("INSERT INTO bare_outbox (id, plugin, topic, payload, created_ms) "
               "VALUES (?1, 'fxev', 'fxev.write.', '{\"id\":\"' || ?1 || '\"}', ?2)",
               &c.event));
}

int step(sqlite3_stmt* s) {
  int rc = sqlite3_step(s);
  sqlite3_reset(s);
  return rc;
}

// One row in its own transaction. Returns the SQLite code of the first failure.
int write_row(Conn& c, int64_t id, int64_t key) {
  int rc = step(c.begin);
  if (rc != SQLITE_DONE) return rc;
  sqlite3_bind_int64(c.insert, 1, id);
  sqlite3_bind_int64(c.insert, 2, key);
  sqlite3_bind_int64(c.insert, 3, wall_ms());
  rc = step(c.insert);
  if (rc == SQLITE_DONE && g_outbox) {
    sqlite3_bind_int64(c.event, 1, id);
    sqlite3_bind_int64(c.event, 2, wall_ms());
    rc = step(c.event);
  }
  if (rc == SQLITE_DONE) rc = step(c.commit);
  if (rc != SQLITE_DONE) {
    step(c.rollback);
    return rc;
  }
  return SQLITE_DONE;
}

// {"key":K} -> K; false when there is none. Enough for the benchmark's bodies.
bool parse_key(const char* body, int64_t& key) {
  const char* p = std::strstr(body, "\"key\"");
  if (p == nullptr) return false;
  p = std::strchr(p + 5, ':');
  if (p == nullptr) return false;
  char* end = nullptr;
  key = std::strtoll(p + 1, &end, 10);
  return end != p + 1;
}

uint32_t shard_of(uint64_t key, uint32_t files) {
  uint64_t h = key * 0x9E3779B97F4A7C15ULL;  // as ShardSet::shard_of
  return static_cast<uint32_t>((h >> 32) % files);
}

void reply(FCGX_Request& r, const char* status, const std::string& body) {
  std::string out = std::string("Status: ") + status +
                    "\r\nContent-Type: application/json\r\nContent-Length: " +
                    std::to_string(body.size()) + "\r\n\r\n" + body;
  FCGX_PutStr(out.data(), static_cast<int>(out.size()), r.out);
}

void serve(int listen_fd, std::string dir, std::string sync, uint32_t files) {
  std::vector<Conn> conns(files);
  for (uint32_t i = 0; i < files; ++i) {
    char name[32];
    std::snprintf(name, sizeof(name), "/bare-%03u.db", i);
    if (!open_conn(dir + name, sync.c_str(), conns[i])) std::abort();
  }
  FCGX_Request request;
  if (FCGX_InitRequest(&request, listen_fd, 0) != 0) std::abort();
  char body[4096];
  while (FCGX_Accept_r(&request) == 0) {
    const char* method = FCGX_GetParam("REQUEST_METHOD", request.envp);
    if (method != nullptr && std::strcmp(method, "GET") == 0) {
      reply(request, "200 OK",
            "{\"written\":" + std::to_string(g_written.load()) +
                ",\"busy_waits\":" + std::to_string(g_busy_waits.load()) + "}");
      FCGX_Finish_r(&request);
      continue;
    }
    int n = FCGX_GetStr(body, sizeof(body) - 1, request.in);
    body[std::max(n, 0)] = '\0';
    int64_t key = 0;
    if (!parse_key(body, key)) {
      reply(request, "400 Bad Request", "{\"error\":{\"code\":\"BAD_BODY\"}}");
      FCGX_Finish_r(&request);
      continue;
    }
    int64_t id = g_next_id.fetch_add(1, std::memory_order_relaxed) + 1;
    int rc = write_row(conns[shard_of(static_cast<uint64_t>(key), files)], id, key);
    if (rc == SQLITE_DONE) {
      g_written.fetch_add(1, std::memory_order_relaxed);
      reply(request, "201 Created", "{\"id\":\"" + std::to_string(id) + "\"}");
    } else if ((rc & 0xFF) == SQLITE_BUSY) {
      reply(request, "503 Service Unavailable", "{\"error\":{\"code\":\"DATABASE_BUSY\"}}");
    } else {
      reply(request, "500 Internal Server Error", "{\"error\":{\"code\":\"DATABASE_ERROR\"}}");
    }
    FCGX_Finish_r(&request);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4 || argc > 7 || (argc == 7 && std::strcmp(argv[6], "outbox") != 0)) {
    std::fprintf(stderr,
                 "usage: %s SOCKET_PATH DATA_DIR full|normal [THREADS (32) [FILES (8) [outbox]]]\n",
                 argv[0]);
    return 2;
  }
  const std::string path = argv[1];
  const std::string dir = argv[2];
  const std::string sync_arg = argv[3];
  const int threads = argc >= 5 ? std::atoi(argv[4]) : 32;
  const int files = argc >= 6 ? std::atoi(argv[5]) : 8;
  if (sync_arg != "full" && sync_arg != "normal") {
    std::fprintf(stderr, "bench_bare_sqlite_responder: synchronous must be full or normal\n");
    return 2;
  }
  if (threads < 1 || threads > 4096 || files < 1 || files > 32) {
    std::fprintf(stderr, "bench_bare_sqlite_responder: THREADS must be 1..4096, FILES 1..32\n");
    return 2;
  }
  g_outbox = argc == 7;
  const std::string sync = sync_arg == "full" ? "FULL" : "NORMAL";
  // Create the files and the table once, before any writer starts (the host
  // runs its migrations before serving, too). Ids continue after existing rows.
  for (int i = 0; i < files; ++i) {
    char name[32];
    std::snprintf(name, sizeof(name), "/bare-%03d.db", i);
    sqlite3* db = nullptr;
    if (sqlite3_open((dir + name).c_str(), &db) != SQLITE_OK ||
        !exec(db, "PRAGMA journal_mode=WAL;"
                  "CREATE TABLE IF NOT EXISTS bare_writes ("
                  "id INTEGER PRIMARY KEY, key INTEGER NOT NULL, created_ms INTEGER NOT NULL);"
                  // as schema/host/all/001_outbox_inbox_timers.sql's bazaar_outbox
                  "CREATE TABLE IF NOT EXISTS bare_outbox ("
                  "seq INTEGER PRIMARY KEY, id INTEGER NOT NULL,"
                  "plugin TEXT NOT NULL, topic TEXT NOT NULL, payload TEXT NOT NULL,"
                  "created_ms INTEGER NOT NULL)")) {
      return 1;
    }
    sqlite3_stmt* max = nullptr;
    if (sqlite3_prepare_v2(db, "SELECT COALESCE(MAX(id), 0) FROM bare_writes", -1, &max, nullptr) ==
            SQLITE_OK &&
        sqlite3_step(max) == SQLITE_ROW) {
      g_next_id = std::max<int64_t>(g_next_id.load(), sqlite3_column_int64(max, 0));
    }
    sqlite3_finalize(max);
    sqlite3_close(db);
  }
  std::signal(SIGPIPE, SIG_IGN);  // nginx may close first; keep serving
  if (FCGX_Init() != 0) {
    std::fprintf(stderr, "bench_bare_sqlite_responder: FCGX_Init failed\n");
    return 1;
  }
  // As bench_bare_responder: let `kill` stop us (libfcgi's handler only sets a flag).
  std::signal(SIGTERM, SIG_DFL);
  std::signal(SIGUSR1, SIG_DFL);
  std::signal(SIGINT, SIG_DFL);
  unlink(path.c_str());
  const int fd = FCGX_OpenSocket(path.c_str(), 1024);  // the host's listen_backlog default
  if (fd < 0) {
    std::perror("bench_bare_sqlite_responder: FCGX_OpenSocket");
    return 1;
  }
  chmod(path.c_str(), 0666);
  std::vector<std::thread> pool;
  pool.reserve(static_cast<size_t>(threads));
  for (int i = 0; i < threads; ++i) {
    pool.emplace_back(serve, fd, dir, sync, static_cast<uint32_t>(files));
  }
  for (auto& t : pool) t.join();
  return 0;
}
