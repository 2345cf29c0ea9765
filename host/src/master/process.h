// Starting copies of this executable in another role (workers, validation).
#pragma once

#include <bazaar/result.hpp>

#include <sys/types.h>

#include <string>
#include <vector>

namespace bazaar::host {

// fork + exec of /proc/self/exe with `args` (argv[1..]). Every descriptor is
// close-on-exec except those in `inherit`, whose flag is cleared in the child
// only. The child starts with an empty signal mask and default dispositions.
Result<pid_t> spawn_self(const std::vector<std::string>& args, const std::vector<int>& inherit);

// Human-readable "exit 3" / "killed by signal 11 (Segmentation fault)".
std::string describe_exit(int wait_status);

}  // namespace bazaar::host
