// Staging plugin files (master): every *.so in the plugin folder is copied, by
// content, to <state_dir>/plugins/<sha256-prefix>-<file>. Workers load only
// staged copies (worker/plugin_loader.h), so an ops engineer overwriting a
// file in the plugin folder can never change the bytes under a running
// worker, and each version gets its own path (so dlopen never hands back an
// older image of the same name).
#pragma once

#include <bazaar/result.hpp>

#include <string>
#include <vector>

#include "common/manifest.h"

namespace bazaar::host {

struct StagedPlugin {
  std::string source;  // the file ops dropped into plugin_dir
  std::string path;    // the content-addressed copy workers load
  std::string sha256;  // hex digest of the bytes
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

// Hex SHA-256 of a file's bytes.
Result<std::string> sha256_file(const std::string& path);

}  // namespace bazaar::host
