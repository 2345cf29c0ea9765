// Services plugins offer each other by name ("coupons.lock"), per process.
// Filled once after the plugin set loads, read-only afterwards (any thread).
#pragma once

#include <bazaar/plugin.h>

#include <map>
#include <string>
#include <string_view>
#include <utility>

namespace bazaar::host {

class ServiceRegistry {
 public:
  struct Entry {
    bz_service_fn handler = nullptr;
    void* plugin_ctx = nullptr;
  };

  // Registers a service under `name`; a later one of the same name replaces it.
  void add(std::string name, Entry entry) { entries_[std::move(name)] = entry; }
  const Entry* find(std::string_view name) const;

 private:
  std::map<std::string, Entry, std::less<>> entries_;
};

}  // namespace bazaar::host
