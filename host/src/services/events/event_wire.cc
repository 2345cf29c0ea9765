#include "services/events/event_wire.h"

#include <cstring>

namespace bazaar::host {
namespace {

template <class T>
void put(std::string& out, T v) {
  char buf[sizeof(T)];
  std::memcpy(buf, &v, sizeof(T));
  out.append(buf, sizeof(T));
}

template <class T>
bool take(std::string_view& in, T& v) {
  if (in.size() < sizeof(T)) return false;
  std::memcpy(&v, in.data(), sizeof(T));
  in.remove_prefix(sizeof(T));
  return true;
}

void put_text(std::string& out, std::string_view s) {
  put(out, static_cast<uint32_t>(s.size()));
  out.append(s);
}

bool take_text(std::string_view& in, std::string& s) {
  uint32_t len = 0;
  if (!take(in, len) || in.size() < len) return false;
  s.assign(in.substr(0, len));
  in.remove_prefix(len);
  return true;
}

}  // namespace

// All fields little-endian as on the only platform we build for (x86-64/arm64);
// nodes federating across architectures would need an explicit byte order.
std::string encode_event(const WireEvent& e) {
  std::string out;
  out.reserve(48 + e.topic.size() + e.plugin.size() + e.payload.size());
  put(out, e.seq);
  put(out, e.origin_node);
  put(out, e.origin_shard);
  put(out, e.id);
  put(out, e.created_ms);
  put_text(out, e.topic);
  put_text(out, e.plugin);
  put_text(out, e.payload);
  return out;
}

std::optional<WireEvent> decode_event(std::string_view blob) {
  WireEvent e;
  if (!take(blob, e.seq) || !take(blob, e.origin_node) || !take(blob, e.origin_shard) ||
      !take(blob, e.id) || !take(blob, e.created_ms) || !take_text(blob, e.topic) ||
      !take_text(blob, e.plugin) || !take_text(blob, e.payload) || !blob.empty()) {
    return std::nullopt;
  }
  return e;
}

BusEndpoints bus_endpoints(const std::string& state_dir, uint64_t generation) {
  return {"ipc://" + state_dir + "/bus-publish.sock", "ipc://" + state_dir + "/bus-subscribe.sock",
          "ipc://" + state_dir + "/bus-replay-g" + std::to_string(generation) + ".sock"};
}

bool valid_topic(std::string_view topic) {
  if (topic.empty() || topic.size() > 128 || topic.back() != '.' || topic.front() == '.') {
    return false;
  }
  char prev = 0;
  for (char c : topic) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.';
    if (!ok || (c == '.' && prev == '.')) return false;
    prev = c;
  }
  return true;
}

}  // namespace bazaar::host
