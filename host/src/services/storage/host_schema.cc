#include "services/storage/host_schema.h"

namespace bazaar::host {
namespace {

struct EmbeddedMigration {
  int version;
  const char* name;
  const char* sql;
};

#include "host_schema.inc"

template <size_t N>
std::vector<MigrationFile> to_files(const EmbeddedMigration (&list)[N]) {
  std::vector<MigrationFile> out;
  for (const auto& m : list) out.push_back({m.version, m.name, std::string("(built in) ") + m.name, m.sql});
  return out;
}

}  // namespace

std::vector<MigrationFile> host_migrations_all() { return to_files(k_all); }
std::vector<MigrationFile> host_migrations_meta() { return to_files(k_meta); }

}  // namespace bazaar::host
