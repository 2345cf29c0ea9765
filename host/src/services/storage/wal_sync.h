// Group commit for durable databases: many commits, one WAL fdatasync.
//
// A durable (`synchronous = full`) Database runs SQLite with
// `synchronous=NORMAL`: COMMIT appends its frames to the `-wal` file with
// write() and releases the write lock without an fsync. Before the commit
// returns to the caller, the committing thread asks this file's WalSync for a
// sync that *started after* its frames were written; on Linux fdatasync
// flushes the file's dirty pages whoever wrote them, so that sync covers the
// commit. Threads that commit at about the same time share one sync: while
// one runs, the others queue for the next, which covers all of them.
//
// One WalSync per database file per process (for_file()), shared by every
// pooled connection to the file in the process; it lives as long as one of
// them (each holds a shared_ptr). Processes do not share syncs: each worker
// coalesces its own commits.
//
// A failed sync is sticky: after fdatasync reports an error the kernel may have
// dropped the dirty pages (and a retry would "succeed" without writing them),
// so every later wait on the same file fails too, until the process restarts.
#pragma once

#include <bazaar/result.hpp>

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

namespace bazaar::host {

// What a WalSync flushes: the write-ahead log of one connection (Database) or,
// in tests, a fake that records when it ran.
class WalFile {
 public:
  virtual ~WalFile() = default;
  // Makes every byte written to the WAL so far durable (fdatasync). Returns 0,
  // or an error code (a SQLite result code or an errno) for the message.
  virtual int sync_wal() = 0;
};

// The series the storage layer adds to the node's metrics (SharedMetrics of the
// process, if one is attached).
inline constexpr const char* kWalSyncsMetric = "bazaar_storage_wal_syncs_total";
inline constexpr const char* kDurableCommitsMetric = "bazaar_storage_durable_commits_total";

class WalSync {
 public:
  // The coordinator of the database file with this device and inode number,
  // created on first use. `dir` is the folder holding the file (its entry for
  // the `-wal` file is fsynced once, before the first WAL sync); empty = none.
  // (dev, ino) rather than the path: two spellings of one file share a
  // coordinator, and an inode number cannot be reused while a connection of
  // this process still holds the file open.
  static std::shared_ptr<WalSync> for_file(uint64_t dev, uint64_t ino, const std::string& dir);

  explicit WalSync(std::string dir = {}) : dir_(std::move(dir)) {}
  WalSync(const WalSync&) = delete;
  WalSync& operator=(const WalSync&) = delete;

  // Called once a commit's frames are written to the WAL (Database's WAL hook,
  // inside COMMIT, after SQLite released the write lock); returns once a sync
  // that started after this call began has completed, i.e. once that commit
  // (and every earlier frame of the file) is durable. `mine` is the caller's own
  // WAL handle: if no sync is running, the caller runs the next one itself.
  // The mutex is never held during a sync. Fails if a sync failed (sticky).
  Status wait_durable(WalFile& mine);

  // The sticky failure, if any sync of this file ever failed.
  Status health() const;

  struct Counts {
    uint64_t commits = 0;  // wait_durable() calls
    uint64_t syncs = 0;    // WAL syncs run (successful or not)
  };
  Counts counts() const;

 private:
  const std::string dir_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  uint64_t started_ = 0;    // syncs begun; generation of the newest
  uint64_t completed_ = 0;  // generation of the newest sync that succeeded
  bool running_ = false;
  bool dir_synced_ = false;  // touched only by the runner (running_ serialises runners)
  std::string failure_;      // non-empty once a sync failed
  Counts counts_;
};

}  // namespace bazaar::host
