#include "master/generation.h"

#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include "common/clock.h"
#include "master/file_pruning.h"
#include "master/plugin_staging.h"
#include "master/process.h"
#include "services/storage/migrations.h"
#include "services/storage/shard_set.h"
#include "services/storage/storage_from_config.h"

namespace bazaar::host {
namespace {

// Waits for one child; kills it at the deadline. Returns its wait status.
Result<int> wait_child(pid_t pid, int64_t timeout_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  int status = 0;
  for (;;) {
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) return status;
    if (r < 0 && errno != EINTR) return internal_error(std::string("waitpid: ") + strerror(errno));
    if (std::chrono::steady_clock::now() >= deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      return unavailable("VALIDATION_TIMEOUT",
                         "plugin validation did not finish within ready_timeout_ms");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

}  // namespace

Status migrate_storage(const HostConfig& config, const std::vector<std::string>& plugins) {
  if (mkdir(config.data_dir.c_str(), 0755) != 0 && errno != EEXIST) {
    return internal_error("cannot create data_dir " + config.data_dir + ": " + strerror(errno));
  }
  ShardSet shards(shard_set_options(config), {});
  SystemClock clock;
  return migrate_node(shards, config.schema_dir, plugins, clock.now_ms());
}

std::vector<std::string> prune_manifests(const std::string& state_dir,
                                         const std::vector<std::string>& keep) {
  return remove_files_except(state_dir + "/generations", keep);
}

Result<Generation> prepare_generation(uint64_t id, const std::string& config_path,
                                      const HostConfig& config) {
  std::string dir = config.state_dir + "/generations";
  if (mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) {
    return internal_error("cannot create " + dir + ": " + strerror(errno));
  }
  Manifest input;
  input.generation = id;
  auto staged = stage_plugins(config.plugin_dir, config.state_dir, input.refused);
  if (!staged.ok()) return staged.error();
  for (const StagedPlugin& s : *staged) input.plugins.push_back({"", "", s.path, s.source, s.sha256});

  std::string in_path = dir + "/" + std::to_string(id) + ".candidate.json";
  std::string out_path = dir + "/" + std::to_string(id) + ".json";
  BAZAAR_RETURN_IF_ERROR(write_manifest(in_path, input));
  unlink(out_path.c_str());

  auto pid = spawn_self({"--validate", "--config", config_path, "--in", in_path, "--out", out_path}, {});
  if (!pid.ok()) return pid.error();
  auto status = wait_child(*pid, config.ready_timeout_ms);
  if (!status.ok()) return status.error();
  if (!WIFEXITED(*status) || WEXITSTATUS(*status) != 0) {
    // A plugin crashed the validator (or it could not start): nothing is rolled.
    return failed_precondition("VALIDATION_FAILED",
                               "plugin validation child failed: " + describe_exit(*status));
  }
  auto manifest = read_manifest(out_path);
  if (!manifest.ok()) return manifest.error();

  // Schema before workers: every accepted plugin's pending migrations. The
  // handles close before any worker starts (nothing SQLite crosses a fork).
  std::vector<std::string> names;
  for (const auto& p : manifest->plugins) names.push_back(p.name);
  BAZAAR_RETURN_IF_ERROR(migrate_storage(config, names));
  return Generation{id, out_path, std::move(*manifest)};
}

}  // namespace bazaar::host
