// Services plugins offer each other by name ("coupons.lock"), per process.
// Filled once after the plugin set loads, read-only afterwards (any thread).
#pragma once

#include <bazaar/plugin.h>

#include <map>
#include <string>
#include <string_view>

namespace bazaar::host {

class PluginSet;

class ServiceRegistry {
 public:
  struct Entry {
    bz_service_fn handler = nullptr;
    void* plugin_ctx = nullptr;
  };

  // Registers every service of every loaded plugin (names are unique: the
  // plugin set refused any plugin repeating one).
  void add_all(const PluginSet& plugins);
  const Entry* find(std::string_view name) const;

 private:
  std::map<std::string, Entry, std::less<>> entries_;
};

}  // namespace bazaar::host
