// `bazaarctl rules ...`: check and dry-run rule files from the command line.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace bazaar::rules {

// args: what follows `bazaarctl rules`, e.g.
//   {"check", "risk.xml", "--facts-schema", "order.create"}
//   {"eval", "risk.xml", "--facts", "facts.json"}
//   {"schemas"}
// Prints results to `out`, problems to `err`. Returns the process exit code:
// 0 success, 1 the rule file or the facts file is invalid, 2 usage error.
// Reads the files it is given; the only clock read is for `eval` when the
// facts file has no "now".
int cli_main(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace bazaar::rules
