// `bazaarctl pay`: a fake payment provider for development and tests. Signs a
// payment callback exactly as docs/API.md ("Pay") says and POSTs it.
#pragma once

#include <string>
#include <vector>

namespace bazaar::ctl {

// args: what follows "pay" on the command line (a --config FILE there
// overrides `config_path`, bazaarctl's own). Prints the HTTP status and
// body; returns 0 on a 200, 1 on any other answer or a network failure, 2 on
// bad arguments or no secret.
int pay_command(const std::vector<std::string>& args, const std::string& config_path);

}  // namespace bazaar::ctl
