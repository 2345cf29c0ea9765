#include "services/service_registry.h"

#include "worker/plugin_set.h"

namespace bazaar::host {

void ServiceRegistry::add_all(const PluginSet& plugins) {
  for (const LoadedPlugin& p : plugins.plugins()) {
    if (p.def->struct_size < BZ_PLUGIN_V1_2_SIZE) continue;
    for (size_t i = 0; i < p.def->service_count; ++i) {
      entries_[p.def->services[i].name] = {p.def->services[i].handler, p.ctx};
    }
  }
}

const ServiceRegistry::Entry* ServiceRegistry::find(std::string_view name) const {
  auto it = entries_.find(name);
  return it == entries_.end() ? nullptr : &it->second;
}

}  // namespace bazaar::host
