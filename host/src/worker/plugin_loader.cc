#include "worker/plugin_loader.h"

#include <dlfcn.h>

#include <string_view>

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

}  // namespace

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
