// Worker processes, exec'd by the master (`bazaar-host --worker ...`).
//
// A request worker loads the generation's plugin set once, serves FastCGI on
// T threads and writes one byte to its ready pipe when it accepts requests.
// SIGTERM drains it (stop accepting, finish in-flight requests, bounded by
// drain_timeout_ms); SIGQUIT exits at once. The background worker loads the
// same set and runs what is not a request.
#pragma once

#include <string>

#include "common/worker_args.h"

namespace bazaar::host {

int worker_main(const WorkerArgs& args);

// The validation child: loads, initialises and self-tests the staged plugins
// listed in `manifest_in`, shuts them down, and writes the outcome (accepted
// plugins with names and versions, refused ones with reasons) to `manifest_out`.
int validate_main(const std::string& config_path, const std::string& manifest_in,
                  const std::string& manifest_out);

}  // namespace bazaar::host
