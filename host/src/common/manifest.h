// A generation's plugin manifest: which staged plugins its workers load, and
// which files were refused and why. Written by the master, read by workers
// and shown to ops by /api/v1/admin/plugins.
#pragma once

#include <bazaar/result.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace bazaar::host {

// A plugin file that was not accepted, and why.
struct RefusedPlugin {
  std::string file;
  std::string reason;
};

struct ManifestPlugin {
  std::string name;
  std::string version;
  std::string path;    // staged, content-addressed copy
  std::string source;  // file in plugin_dir
  std::string sha256;
};

struct Manifest {
  uint64_t generation = 0;
  std::vector<ManifestPlugin> plugins;
  std::vector<RefusedPlugin> refused;
};

std::string manifest_to_json(const Manifest& m);
Result<Manifest> manifest_from_json(const std::string& text);

Status write_manifest(const std::string& path, const Manifest& m);
Result<Manifest> read_manifest(const std::string& path);

}  // namespace bazaar::host
