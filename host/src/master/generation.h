// Preparing a generation: the plugin set that a batch of workers will run.
//
// stage the plugin folder (content-addressed copies) -> run the validation
// child (`bazaar-host --validate`), which loads, initialises and self-tests
// every plugin in a throw-away process -> the manifest workers load.
// The master itself never runs plugin code.
#pragma once

#include <bazaar/result.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "common/config.h"
#include "common/manifest.h"

namespace bazaar::host {

struct Generation {
  uint64_t id = 0;
  std::string manifest_path;
  Manifest manifest;
};

// Applies the pending migrations of `plugins` to every database of the node.
Status migrate_storage(const HostConfig& config, const std::vector<std::string>& plugins);

// Stages, validates and migrates. Refused plugins are listed in the manifest; the caller
// decides whether a refusal is acceptable (at start) or fatal (at reload).
Result<Generation> prepare_generation(uint64_t id, const std::string& config_path,
                                      const HostConfig& config);

// Deletes every manifest in `<state_dir>/generations` but those in `keep`
// (the serving and a pending generation's manifest_path: a crashed worker is
// respawned from its generation's manifest), and candidate manifests that
// validation has used. Returns the paths it deleted.
std::vector<std::string> prune_manifests(const std::string& state_dir,
                                         const std::vector<std::string>& keep);

}  // namespace bazaar::host
