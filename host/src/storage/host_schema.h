// The host's own migrations (outbox, inbox, timers, event cursors), compiled in
// from schema/host/ and applied under the plugin name "host" before any plugin's.
#pragma once

#include <vector>

#include "migrations.h"

namespace bazaar::host {

std::vector<MigrationFile> host_migrations(SchemaScope scope);

}  // namespace bazaar::host
