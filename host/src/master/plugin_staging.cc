#include "master/plugin_staging.h"

#include <dirent.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>

#include "master/file_pruning.h"

namespace bazaar::host {
namespace {

Status copy_file_atomically(const std::string& from, const std::string& to) {
  int in = open(from.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0) return internal_error("cannot read " + from + ": " + strerror(errno));
  std::string tmp = to + ".tmp." + std::to_string(getpid());
  int out = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
  if (out < 0) {
    close(in);
    return internal_error("cannot write " + tmp + ": " + strerror(errno));
  }
  char buf[1 << 16];
  bool ok = true;
  for (;;) {
    ssize_t n = read(in, buf, sizeof(buf));
    if (n == 0) break;
    if (n < 0 || write(out, buf, static_cast<size_t>(n)) != n) {
      ok = false;
      break;
    }
  }
  ok = ok && fsync(out) == 0;
  close(in);
  close(out);
  if (!ok || rename(tmp.c_str(), to.c_str()) != 0) {
    unlink(tmp.c_str());
    return internal_error("cannot stage " + from + " as " + to);
  }
  return ok_status();
}

}  // namespace

Result<std::string> sha256_file(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return internal_error("cannot read " + path + ": " + strerror(errno));
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr);
  char buf[1 << 16];
  ssize_t n = 0;
  while ((n = read(fd, buf, sizeof(buf))) > 0) {
    EVP_DigestUpdate(ctx.get(), buf, static_cast<size_t>(n));
  }
  close(fd);
  if (n < 0) return internal_error("read failed on " + path);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx.get(), digest, &len);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < len; ++i) {
    hex.push_back(kHex[digest[i] >> 4]);
    hex.push_back(kHex[digest[i] & 0xF]);
  }
  return hex;
}

Result<std::vector<StagedPlugin>> stage_plugins(const std::string& plugin_dir,
                                                const std::string& state_dir,
                                                std::vector<RefusedPlugin>& refused) {
  std::string staging = state_dir + "/plugins";
  if (mkdir(staging.c_str(), 0755) != 0 && errno != EEXIST) {
    return internal_error("cannot create " + staging + ": " + strerror(errno));
  }
  DIR* dir = opendir(plugin_dir.c_str());
  if (dir == nullptr) {
    return failed_precondition("NO_PLUGIN_DIR",
                               "cannot open plugin_dir " + plugin_dir + ": " + strerror(errno));
  }
  std::vector<std::string> names;
  while (dirent* e = readdir(dir)) {
    std::string name = e->d_name;
    if (name.size() > 3 && name.ends_with(".so")) names.push_back(name);
  }
  closedir(dir);
  std::sort(names.begin(), names.end());

  std::vector<StagedPlugin> staged;
  for (const std::string& name : names) {
    std::string source = plugin_dir + "/" + name;
    struct stat st {};
    if (stat(source.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    auto digest = sha256_file(source);
    if (!digest.ok()) {
      refused.push_back({source, digest.error().message()});
      continue;
    }
    std::string target = staging + "/" + digest->substr(0, 16) + "-" + name;
    if (access(target.c_str(), R_OK) != 0) {
      Status copied = copy_file_atomically(source, target);
      if (!copied.ok()) {
        refused.push_back({source, copied.error().message()});
        continue;
      }
    }
    staged.push_back({source, target, *digest});
  }
  return staged;
}

std::vector<std::string> prune_staged_plugins(const std::string& state_dir,
                                              const std::vector<std::string>& keep) {
  return remove_files_except(state_dir + "/plugins", keep);
}

}  // namespace bazaar::host
