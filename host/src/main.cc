// bazaar-host: the master by default; workers and the validation child are the
// same executable started with --worker / --validate by the master.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>

#include "common/config.h"
#include "master/master.h"
#include "worker/worker.h"

namespace {

constexpr const char* kUsage =
    "usage: bazaar-host --config FILE\n"
    "  Starts the master, which starts and supervises the workers.\n"
    "  Signals: SIGHUP reload, SIGTERM/SIGINT graceful stop, SIGQUIT fast stop.\n";

// --key value pairs after argv[0]; a flag with no value maps to "".
std::map<std::string, std::string> parse_flags(int argc, char** argv) {
  std::map<std::string, std::string> flags;
  for (int i = 1; i < argc; ++i) {
    std::string key = argv[i];
    if (!key.starts_with("--")) {
      flags["?"] = key;
      continue;
    }
    key = key.substr(2);
    if (i + 1 < argc && std::strncmp(argv[i + 1], "--", 2) != 0) {
      flags[key] = argv[++i];
    } else {
      flags[key] = "";
    }
  }
  return flags;
}

int to_int(const std::map<std::string, std::string>& f, const char* key) {
  auto it = f.find(key);
  return it == f.end() ? -1 : std::atoi(it->second.c_str());
}

}  // namespace

int main(int argc, char** argv) {
  auto flags = parse_flags(argc, argv);
  if (flags.count("help") != 0 || flags.count("config") == 0) {
    fputs(kUsage, flags.count("help") != 0 ? stdout : stderr);
    return flags.count("help") != 0 ? 0 : 2;
  }
  const std::string config_path = flags["config"];

  if (flags.count("worker") != 0) {
    bazaar::host::WorkerArgs args;
    args.config_path = config_path;
    args.role = flags["worker"] == "background" ? bazaar::host::WorkerRole::kBackground
                                                : bazaar::host::WorkerRole::kRequest;
    args.generation = std::strtoull(flags["generation"].c_str(), nullptr, 10);
    args.index = to_int(flags, "index");
    args.manifest_path = flags["manifest"];
    args.listen_fd = to_int(flags, "listen-fd");
    args.metrics_fd = to_int(flags, "metrics-fd");
    args.ready_fd = to_int(flags, "ready-fd");
    return bazaar::host::worker_main(args);
  }
  if (flags.count("validate") != 0) {
    return bazaar::host::validate_main(config_path, flags["in"], flags["out"]);
  }

  auto config = bazaar::host::load_config(config_path, bazaar::host::process_env());
  if (!config.ok()) {
    fprintf(stderr, "bazaar-host: %s\n", config.error().message().c_str());
    return 2;
  }
  bazaar::host::Master master(config_path, std::move(*config));
  return master.run();
}
