// What a worker is started with: the master passes it on the command line
// (`bazaar-host --worker ROLE --generation N --index SLOT --manifest FILE
// --listen-fd FD --metrics-fd FD --ready-fd FD`, master/), main.cc reads it
// back and hands it to the worker (worker/worker.h).
#pragma once

#include <cstdint>
#include <string>

namespace bazaar::host {

enum class WorkerRole { kRequest, kBackground };

struct WorkerArgs {
  std::string config_path;
  WorkerRole role = WorkerRole::kRequest;
  uint64_t generation = 0;
  int index = 0;
  std::string manifest_path;
  int listen_fd = -1;
  int metrics_fd = -1;
  int ready_fd = -1;
};

}  // namespace bazaar::host
