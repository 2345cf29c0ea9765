#include "participants/flash_gate.h"

#include <chrono>
#include <mutex>

namespace orders {

namespace {

int64_t steady_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

std::optional<int64_t> signalled_id(const bazaar::sdk::Event& signal) {
  const Json doc = Json::parse(signal.payload, nullptr, false);
  if (!doc.is_object()) return std::nullopt;
  return parse_id_text(doc.value("id", std::string()));
}

}  // namespace

std::string FlashGate::flag_key(int64_t flash_id) { return "flash_sold_out:" + id_text(flash_id); }

void FlashGate::remember(int64_t flash_id, bool sold_out) {
  std::unique_lock lock(mutex_);
  if (sold_out) {
    sold_out_until_[flash_id] = steady_ms() + 1000;
  } else {
    sold_out_until_.erase(flash_id);
  }
}

bool FlashGate::known_sold_out(int64_t flash_id) {
  {
    std::shared_lock lock(mutex_);
    auto it = sold_out_until_.find(flash_id);
    if (it != sold_out_until_.end() && it->second > steady_ms()) return true;
  }
  if (host_.cache_get(flag_key(flash_id))) {
    remember(flash_id, true);
    return true;
  }
  return false;
}

void FlashGate::mark_sold_out(int64_t flash_id) {
  remember(flash_id, true);
  host_.cache_set(flag_key(flash_id), "1", 3600);
  (void)host_.signal("orders.flash_sold_out.", {{"id", id_text(flash_id)}});
}

void FlashGate::mark_restocked(int64_t flash_id) {
  remember(flash_id, false);
  host_.cache_delete(flag_key(flash_id));
  (void)host_.signal("orders.flash_restocked.", {{"id", id_text(flash_id)}});
}

bazaar::Status FlashGate::on_sold_out_signal(const bazaar::sdk::Event& signal) {
  if (auto id = signalled_id(signal)) remember(*id, true);
  return bazaar::ok_status();
}

bazaar::Status FlashGate::on_restocked_signal(const bazaar::sdk::Event& signal) {
  if (auto id = signalled_id(signal)) remember(*id, false);
  return bazaar::ok_status();
}

}  // namespace orders
