#include "services/storage/wal_sync.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <utility>

#include "common/shared_metrics.h"

namespace bazaar::host {
namespace {

struct Registry {
  std::mutex mu;
  std::map<std::pair<uint64_t, uint64_t>, std::weak_ptr<WalSync>> files;
};

Registry& registry() {
  static Registry* r = new Registry;  // never destroyed: connections may close during exit
  return *r;
}

// fsync of the folder, so the `-wal` file's directory entry is durable too
// (SQLite does the same once for a journal it created, on the creating
// connection's first sync, which may not be the one that runs ours).
std::string sync_dir(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return "open " + dir + ": " + std::strerror(errno);
  std::string error;
  // EINVAL: the file system cannot sync a directory; there is nothing more to do.
  if (::fsync(fd) != 0 && errno != EINVAL) error = "fsync " + dir + ": " + std::strerror(errno);
  ::close(fd);
  return error;
}

}  // namespace

std::shared_ptr<WalSync> WalSync::for_file(uint64_t dev, uint64_t ino, const std::string& dir) {
  Registry& r = registry();
  std::lock_guard lock(r.mu);
  for (auto it = r.files.begin(); it != r.files.end();) {  // few files: prune as we go
    it = it->second.expired() ? r.files.erase(it) : std::next(it);
  }
  std::weak_ptr<WalSync>& slot = r.files[{dev, ino}];
  if (auto existing = slot.lock()) return existing;
  auto created = std::make_shared<WalSync>(dir);
  slot = created;
  SharedMetrics::count_in_attached(kWalSyncsMetric, 0);  // the series show from the start
  SharedMetrics::count_in_attached(kDurableCommitsMetric, 0);
  return created;
}

Status WalSync::wait_durable(WalFile& mine) {
  std::unique_lock lock(mu_);
  ++counts_.commits;
  // Any sync that starts from now on began after our frames were written. One
  // that is running now may have started before: it does not count.
  const uint64_t need = started_ + 1;
  while (completed_ < need && failure_.empty()) {
    if (running_) {
      cv_.wait(lock);
      continue;
    }
    running_ = true;
    const uint64_t generation = ++started_;
    ++counts_.syncs;
    const bool first = !dir_synced_;
    lock.unlock();
    std::string error;
    if (first && !dir_.empty()) error = sync_dir(dir_);
    if (error.empty()) {
      int rc = mine.sync_wal();
      if (rc != 0) error = "WAL sync failed (code " + std::to_string(rc) + ")";
    }
    SharedMetrics::count_in_attached(kWalSyncsMetric);
    lock.lock();
    running_ = false;
    if (error.empty()) {
      dir_synced_ = true;
      completed_ = generation;  // runners take turns, so generations complete in order
    } else {
      failure_ = error;
    }
    cv_.notify_all();
  }
  const bool durable = completed_ >= need;  // an earlier success may cover us even after a failure
  std::string failure = failure_;
  lock.unlock();
  if (durable) {
    SharedMetrics::count_in_attached(kDurableCommitsMetric);
    return ok_status();
  }
  return Error{BZ_INTERNAL, "WAL_SYNC_FAILED", failure};
}

Status WalSync::health() const {
  std::lock_guard lock(mu_);
  if (failure_.empty()) return ok_status();
  return Error{BZ_INTERNAL, "WAL_SYNC_FAILED", failure_};
}

WalSync::Counts WalSync::counts() const {
  std::lock_guard lock(mu_);
  return counts_;
}

}  // namespace bazaar::host
