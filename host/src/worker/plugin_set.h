// The plugins one process has loaded and initialised, with their route tables
// checked against each other and against the host's built-in routes.
#pragma once

#include <bazaar/plugin.h>

#include <memory>
#include <string>
#include <vector>

#include "abi/host_api.h"
#include "common/config.h"
#include "common/manifest.h"

namespace bazaar::host {

struct LoadedPlugin {
  ManifestPlugin info;
  const bz_plugin* def = nullptr;
  void* ctx = nullptr;
  std::unique_ptr<bz_host> host;
};

// A route the host itself serves; it takes the same place in the router as a
// plugin route, so plugins can never shadow it.
struct BuiltinRoute {
  const char* method;
  const char* pattern;
};

struct PluginSetOptions {
  bool run_self_test = false;  // the validation child runs each plugin's self_test
};

class PluginSet {
 public:
  // Opens, checks and initialises each file in order. A plugin is refused
  // (with its reason in refused()) when it fails to open, repeats an earlier
  // plugin's name, declares a route that clashes with an accepted one or a
  // built-in, fails init, or fails its self-test. Refusal never stops the rest.
  static PluginSet load(const std::vector<ManifestPlugin>& files, const HostServices& services,
                        const HostConfig& config, const std::vector<BuiltinRoute>& builtins,
                        const PluginSetOptions& options);

  PluginSet() = default;
  PluginSet(PluginSet&&) = default;
  PluginSet& operator=(PluginSet&&) = default;
  PluginSet(const PluginSet&) = delete;
  PluginSet& operator=(const PluginSet&) = delete;

  const std::vector<LoadedPlugin>& plugins() const { return plugins_; }
  const std::vector<RefusedPlugin>& refused() const { return refused_; }

  // Calls every plugin's shutdown, in reverse load order. Idempotent.
  void shutdown();

 private:
  std::vector<LoadedPlugin> plugins_;
  std::vector<RefusedPlugin> refused_;
  bool shut_down_ = false;
};

}  // namespace bazaar::host
