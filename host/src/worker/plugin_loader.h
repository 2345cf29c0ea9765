// Opening plugin shared objects (worker or validation child), only ever the
// copies the master staged (master/plugin_staging.h): dlopen(RTLD_NOW|RTLD_LOCAL),
// then the entry symbol, ABI major, struct size and name are checked before
// any plugin code other than the entry function runs. Plugins are never dlclose()d.
#pragma once

#include <bazaar/plugin.h>
#include <bazaar/result.hpp>

#include <string>

namespace bazaar::host {

// dlopen + entry symbol + ABI checks. On success returns the plugin's static
// descriptor; the library stays loaded for the life of the process.
Result<const bz_plugin*> open_plugin(const std::string& path);

}  // namespace bazaar::host
