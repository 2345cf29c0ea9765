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

#include "config.h"
#include "manifest.h"

namespace bazaar::host {

struct Generation {
  uint64_t id = 0;
  std::string manifest_path;
  Manifest manifest;
};

// Stages and validates. Refused plugins are listed in the manifest; the caller
// decides whether a refusal is acceptable (at start) or fatal (at reload).
Result<Generation> prepare_generation(uint64_t id, const std::string& config_path,
                                      const HostConfig& config);

}  // namespace bazaar::host
