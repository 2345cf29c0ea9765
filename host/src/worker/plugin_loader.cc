#include "worker/plugin_loader.h"

#include <dirent.h>
#include <dlfcn.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <string_view>

#include "master/file_pruning.h"

namespace bazaar::host {
namespace {

bool valid_plugin_name(const char* name) {
  if (name == nullptr || name[0] < 'a' || name[0] > 'z') return false;
  size_t len = 0;
  for (const char* p = name; *p != '\0'; ++p, ++len) {
    char c = *p;
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_') || len >= 64) return false;
  }
  return true;
}

Error load_error(const std::string& path, const std::string& reason) {
  return failed_precondition("PLUGIN_REFUSED", path + ": " + reason);
}

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

Result<const bz_plugin*> open_plugin(const std::string& path) {
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* why = dlerror();
    return load_error(path, std::string("cannot load: ") + (why ? why : "unknown dlopen error"));
  }
  // From here on the library stays mapped even when refused: unloading code that
  // may have registered anything (static constructors, atexit) is not safe.
  void* sym = dlsym(handle, BZ_PLUGIN_ENTRY_SYMBOL);
  if (sym == nullptr) {
    return load_error(path, "missing entry symbol " BZ_PLUGIN_ENTRY_SYMBOL);
  }
  auto entry = reinterpret_cast<bz_plugin_entry_fn>(sym);
  const bz_plugin* plugin = entry();
  if (plugin == nullptr) return load_error(path, "entry symbol returned no plugin");
  if (BZ_ABI_MAJOR_OF(plugin->abi_version) != BZ_ABI_MAJOR) {
    return load_error(path, "ABI major " + std::to_string(BZ_ABI_MAJOR_OF(plugin->abi_version)) +
                                " is not supported (host speaks ABI major " +
                                std::to_string(BZ_ABI_MAJOR) + ")");
  }
  if (plugin->struct_size < BZ_PLUGIN_V1_0_SIZE) {
    return load_error(path, "plugin struct is " + std::to_string(plugin->struct_size) +
                                " bytes, ABI 1.0 needs at least " +
                                std::to_string(BZ_PLUGIN_V1_0_SIZE));
  }
  if (!valid_plugin_name(plugin->name)) {
    return load_error(path, "plugin name must match [a-z][a-z0-9_]{0,63}");
  }
  if (std::string_view(plugin->name) == "host" || std::string_view(plugin->name) == "host_meta") {
    return load_error(path, "the names 'host' and 'host_meta' are reserved for the host's own schema");
  }
  if (plugin->version == nullptr || plugin->init == nullptr) {
    return load_error(path, "plugin has no version or no init function");
  }
  if (plugin->route_count > 0 && plugin->routes == nullptr) {
    return load_error(path, "plugin declares routes but no route table");
  }
  return plugin;
}

}  // namespace bazaar::host
