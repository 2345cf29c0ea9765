// The host's own migrations, compiled in from schema/host/ and applied before
// any plugin's: schema/host/all/ to every database (shards and meta) under the
// name "host"; schema/host/meta/ to meta.db only, under the name "host_meta".
#pragma once

#include <vector>

#include "services/storage/migrations.h"

namespace bazaar::host {

// Every database's host tables (outbox, inbox, timers).
std::vector<MigrationFile> host_migrations_all();
// Meta-only host tables (event cursors).
std::vector<MigrationFile> host_migrations_meta();

}  // namespace bazaar::host
