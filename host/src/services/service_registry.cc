#include "services/service_registry.h"

namespace bazaar::host {

const ServiceRegistry::Entry* ServiceRegistry::find(std::string_view name) const {
  auto it = entries_.find(name);
  return it == entries_.end() ? nullptr : &it->second;
}

}  // namespace bazaar::host
