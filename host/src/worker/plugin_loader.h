// Finding, staging and loading plugin shared objects.
//
// Staging (master): every *.so in the plugin folder is copied, by content, to
// <state_dir>/plugins/<sha256-prefix>-<file>. Workers load only staged copies,
// so an ops engineer overwriting a file in the plugin folder can never change
// the bytes under a running worker, and each version gets its own path (so
// dlopen never hands back an older image of the same name).
//
// Opening (worker or validation child): dlopen(RTLD_NOW|RTLD_LOCAL), then the
// entry symbol, ABI major, struct size and name are checked before any plugin
// code other than the entry function runs. Plugins are never dlclose()d.
#pragma once

#include <bazaar/plugin.h>
#include <bazaar/result.hpp>

#include <string>
#include <vector>

namespace bazaar::host {

struct StagedPlugin {
  std::string source;  // the file ops dropped into plugin_dir
  std::string path;    // the content-addressed copy workers load
  std::string sha256;  // hex digest of the bytes
};

struct RefusedPlugin {
  std::string file;
  std::string reason;
};

// Copies every regular *.so in `plugin_dir` (sorted by name) into
// `<state_dir>/plugins`. Files that cannot be read are refused, not fatal.
Result<std::vector<StagedPlugin>> stage_plugins(const std::string& plugin_dir,
                                                const std::string& state_dir,
                                                std::vector<RefusedPlugin>& refused);

// Deletes every file in `<state_dir>/plugins` whose name no path in `keep`
// ends with: copies only earlier generations used, and copies a crash left
// half-written. Safe while draining workers of an older generation still run
// their copy: a mapped file outlives its name. Returns the paths it deleted.
std::vector<std::string> prune_staged_plugins(const std::string& state_dir,
                                              const std::vector<std::string>& keep);

// dlopen + entry symbol + ABI checks. On success returns the plugin's static
// descriptor; the library stays loaded for the life of the process.
Result<const bz_plugin*> open_plugin(const std::string& path);

// Hex SHA-256 of a file's bytes.
Result<std::string> sha256_file(const std::string& path);

}  // namespace bazaar::host
