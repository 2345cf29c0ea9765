// bazaar-rules: the rules CLI on its own, for rule authors and tests.
// Same commands as `bazaarctl rules ...`.
#include <bazaar/rules/cli.h>

#include <iostream>
#include <string>
#include <vector>

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  return bazaar::rules::cli_main(args, std::cout, std::cerr);
}
