#include "common/shared_metrics.h"

#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <shared_mutex>
#include <thread>
#include <vector>

namespace bazaar::host {

namespace {
constexpr uint64_t kMagic = 0x62617a6161726d32ULL;  // "bazaarm2": NodeState has the cache stamps
constexpr size_t kNameMax = 64;
constexpr size_t kLabelsMax = 192;
constexpr size_t kValues = SharedMetrics::kBucketCount + 2;
enum Kind : uint32_t { kCounter = 1, kGauge = 2, kHistogram = 3 };
enum State : uint32_t { kEmpty = 0, kWriting = 1, kReady = 2 };
static_assert(std::atomic<uint64_t>::is_always_lock_free, "shared atomics must be lock-free");
static_assert(std::atomic<uint32_t>::is_always_lock_free, "shared atomics must be lock-free");

uint64_t fnv1a(std::string_view a, std::string_view b) {
  uint64_t h = 1469598103934665603ULL;
  for (char c : a) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
  h = (h ^ 0xFF) * 1099511628211ULL;
  for (char c : b) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
  return h;
}

// The segment attach() mapped last in this process, for count_in_attached().
// The lock keeps a mapping from being unmapped while a counter in it is added to.
struct Attached {
  std::shared_mutex mu;
  void* base = nullptr;
  size_t bytes = 0;
};
Attached& attached() {
  static Attached* a = new Attached;  // never destroyed: threads may count during exit
  return *a;
}

std::string format_seconds(uint64_t micros) {
  char buf[32];
  snprintf(buf, sizeof(buf), "%g", static_cast<double>(micros) / 1e6);
  return buf;
}
}  // namespace

struct SharedMetrics::Header {
  uint64_t magic;
  uint64_t capacity;
  NodeState node;
  std::atomic<uint64_t> dropped;
};

struct SharedMetrics::Slot {
  std::atomic<uint32_t> state;
  uint32_t kind;
  char name[kNameMax];
  char labels[kLabelsMax];
  std::atomic<uint64_t> values[kValues];
};

void SharedMetrics::Histogram::observe_us(uint64_t micros) const {
  if (v_ == nullptr) return;
  size_t bucket = 0;
  while (bucket < kBucketCount - 1 && micros > kBucketsUs[bucket]) ++bucket;
  v_[bucket].fetch_add(1, std::memory_order_relaxed);
  v_[kBucketCount].fetch_add(1, std::memory_order_relaxed);
  v_[kBucketCount + 1].fetch_add(micros, std::memory_order_relaxed);
}

SharedMetrics::SharedMetrics(int fd, void* base, size_t bytes) : fd_(fd), base_(base), bytes_(bytes) {}

SharedMetrics::SharedMetrics(SharedMetrics&& other) noexcept
    : fd_(other.fd_), base_(other.base_), bytes_(other.bytes_) {
  other.fd_ = -1;
  other.base_ = nullptr;
  other.bytes_ = 0;
}

SharedMetrics& SharedMetrics::operator=(SharedMetrics&& other) noexcept {
  std::swap(fd_, other.fd_);
  std::swap(base_, other.base_);
  std::swap(bytes_, other.bytes_);
  return *this;
}

SharedMetrics::~SharedMetrics() {
  if (base_ != nullptr) {
    Attached& a = attached();
    std::lock_guard lock(a.mu);
    if (a.base == base_) a.base = nullptr;
  }
  if (base_ != nullptr) munmap(base_, bytes_);
  if (fd_ >= 0) close(fd_);
}

Result<SharedMetrics> SharedMetrics::create(size_t capacity) {
  size_t cap = 64;
  while (cap < capacity) cap <<= 1;
  size_t bytes = sizeof(Header) + cap * sizeof(Slot);
  // Close-on-exec: the spawner clears the flag only in the workers it hands the segment to.
  int fd = memfd_create("bazaar-metrics", MFD_CLOEXEC);
  if (fd < 0) return internal_error(std::string("memfd_create: ") + strerror(errno));
  if (ftruncate(fd, static_cast<off_t>(bytes)) != 0) {
    close(fd);
    return internal_error(std::string("ftruncate metrics segment: ") + strerror(errno));
  }
  void* base = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (base == MAP_FAILED) {
    close(fd);
    return internal_error(std::string("mmap metrics segment: ") + strerror(errno));
  }
  // The fresh mapping is zero-filled, which is the empty state of every field.
  auto* h = static_cast<Header*>(base);
  h->capacity = cap;
  h->magic = kMagic;
  return SharedMetrics(fd, base, bytes);
}

Result<SharedMetrics> SharedMetrics::attach(int fd) {
  struct stat st {};
  if (fstat(fd, &st) != 0 || static_cast<size_t>(st.st_size) < sizeof(Header)) {
    close(fd);
    return internal_error("metrics descriptor is not a metrics segment");
  }
  size_t bytes = static_cast<size_t>(st.st_size);
  void* base = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (base == MAP_FAILED) {
    int err = errno;
    close(fd);
    return internal_error(std::string("mmap: ") + strerror(err));
  }
  auto* h = static_cast<Header*>(base);
  if (h->magic != kMagic || sizeof(Header) + h->capacity * sizeof(Slot) > bytes) {
    munmap(base, bytes);
    close(fd);
    return internal_error("metrics segment has an unknown layout");
  }
  {
    Attached& a = attached();
    std::lock_guard lock(a.mu);
    a.base = base;
    a.bytes = bytes;
  }
  return SharedMetrics(fd, base, bytes);
}

void SharedMetrics::count_in_attached(std::string_view name, uint64_t delta) {
  Attached& a = attached();
  std::shared_lock lock(a.mu);
  if (a.base == nullptr) return;
  SharedMetrics view(-1, a.base, a.bytes);  // borrowed: neither unmapped nor closed here
  std::atomic<uint64_t>* v = view.find_or_insert(kCounter, name, "");
  view.base_ = nullptr;
  if (v != nullptr) v->fetch_add(delta, std::memory_order_relaxed);
}

SharedMetrics::Header* SharedMetrics::header() const { return static_cast<Header*>(base_); }
SharedMetrics::Slot* SharedMetrics::slots() const {
  return reinterpret_cast<Slot*>(static_cast<char*>(base_) + sizeof(Header));
}
NodeState& SharedMetrics::node() const { return header()->node; }

std::atomic<uint64_t>* SharedMetrics::find_or_insert(uint32_t kind, std::string_view name,
                                                     std::string_view labels) const {
  if (name.size() >= kNameMax || labels.size() >= kLabelsMax) {
    header()->dropped.fetch_add(1, std::memory_order_relaxed);
    return nullptr;
  }
  const uint64_t cap = header()->capacity;
  uint64_t i = fnv1a(name, labels) & (cap - 1);
  for (uint64_t probes = 0; probes < cap; ++probes, i = (i + 1) & (cap - 1)) {
    Slot& s = slots()[i];
    uint32_t state = s.state.load(std::memory_order_acquire);
    if (state == kEmpty) {
      uint32_t expected = kEmpty;
      if (s.state.compare_exchange_strong(expected, kWriting, std::memory_order_acq_rel)) {
        s.kind = kind;
        memcpy(s.name, name.data(), name.size());
        s.name[name.size()] = '\0';
        memcpy(s.labels, labels.data(), labels.size());
        s.labels[labels.size()] = '\0';
        s.state.store(kReady, std::memory_order_release);
        return s.values;
      }
      state = expected;
    }
    // Another thread or process is writing this slot's key: it takes nanoseconds.
    while (state == kWriting) {
      std::this_thread::yield();
      state = s.state.load(std::memory_order_acquire);
    }
    if (s.kind == kind && name == s.name && labels == s.labels) return s.values;
  }
  header()->dropped.fetch_add(1, std::memory_order_relaxed);
  return nullptr;
}

SharedMetrics::Counter SharedMetrics::counter(std::string_view name, std::string_view labels) const {
  Counter c;
  c.v_ = find_or_insert(kCounter, name, labels);
  return c;
}

SharedMetrics::Gauge SharedMetrics::gauge(std::string_view name, std::string_view labels) const {
  Gauge g;
  g.v_ = find_or_insert(kGauge, name, labels);
  return g;
}

SharedMetrics::Histogram SharedMetrics::histogram(std::string_view name,
                                                  std::string_view labels) const {
  Histogram h;
  h.v_ = find_or_insert(kHistogram, name, labels);
  return h;
}

std::string SharedMetrics::label(std::string_view key, std::string_view value) {
  std::string out(key);
  out += "=\"";
  for (char c : value) {
    if (c == '\\' || c == '"') {
      out.push_back('\\');
      out.push_back(c);
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
  return out;
}

std::string SharedMetrics::render() const {
  std::vector<const Slot*> ready;
  for (uint64_t i = 0; i < header()->capacity; ++i) {
    const Slot& s = slots()[i];
    if (s.state.load(std::memory_order_acquire) == kReady) ready.push_back(&s);
  }
  std::sort(ready.begin(), ready.end(), [](const Slot* a, const Slot* b) {
    int c = strcmp(a->name, b->name);
    return c != 0 ? c < 0 : strcmp(a->labels, b->labels) < 0;
  });

  std::string out;
  out.reserve(ready.size() * 96 + 256);
  std::string_view last_name;
  auto series = [&](std::string_view name, std::string_view suffix, std::string_view labels,
                    std::string_view extra) {
    out.append(name).append(suffix);
    if (!labels.empty() || !extra.empty()) {
      out.push_back('{');
      out.append(labels);
      if (!labels.empty() && !extra.empty()) out.push_back(',');
      out.append(extra);
      out.push_back('}');
    }
    out.push_back(' ');
  };
  for (const Slot* s : ready) {
    std::string_view name = s->name;
    std::string_view labels = s->labels;
    if (name != last_name) {
      const char* type = s->kind == kCounter ? "counter" : s->kind == kGauge ? "gauge" : "histogram";
      out.append("# TYPE ").append(name).append(" ").append(type).append("\n");
      last_name = name;
    }
    if (s->kind == kCounter) {
      series(name, "", labels, "");
      out += std::to_string(s->values[0].load(std::memory_order_relaxed)) + "\n";
    } else if (s->kind == kGauge) {
      series(name, "", labels, "");
      out += std::to_string(static_cast<int64_t>(s->values[0].load(std::memory_order_relaxed))) + "\n";
    } else {
      uint64_t cumulative = 0;
      for (size_t b = 0; b < kBucketCount; ++b) {
        cumulative += s->values[b].load(std::memory_order_relaxed);
        std::string le = b + 1 < kBucketCount ? format_seconds(kBucketsUs[b]) : "+Inf";
        series(name, "_bucket", labels, "le=\"" + le + "\"");
        out += std::to_string(cumulative) + "\n";
      }
      series(name, "_sum", labels, "");
      char sum[32];
      snprintf(sum, sizeof(sum), "%.6f",
               static_cast<double>(s->values[kBucketCount + 1].load(std::memory_order_relaxed)) / 1e6);
      out += std::string(sum) + "\n";
      series(name, "_count", labels, "");
      out += std::to_string(s->values[kBucketCount].load(std::memory_order_relaxed)) + "\n";
    }
  }
  out += "# TYPE bazaar_metrics_dropped_total counter\nbazaar_metrics_dropped_total " +
         std::to_string(header()->dropped.load(std::memory_order_relaxed)) + "\n";
  return out;
}

}  // namespace bazaar::host
