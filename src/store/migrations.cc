// The schema, one step per version. Never edit a released step: add one.
#include "store/database.h"

namespace vigil::store {
namespace {

constexpr Migration kMigrations[] = {
    {1,
     "CREATE TABLE objects ("
     " id TEXT PRIMARY KEY,"
     " kind TEXT NOT NULL,"
     " sha256 {blob} NOT NULL,"
     " size {bigint} NOT NULL,"
     " log_index {bigint},"
     " created_hour {bigint} NOT NULL);"
     "CREATE INDEX objects_by_kind ON objects (kind, created_hour)"},
};

}  // namespace

std::span<const Migration> BuiltinMigrations() { return kMigrations; }

std::string RenderMigration(std::string_view sql, bool postgres) {
  std::string out(sql);
  auto replace_all = [&](std::string_view token, std::string_view with) {
    for (std::size_t pos = out.find(token); pos != std::string::npos;
         pos = out.find(token, pos + with.size()))
      out.replace(pos, token.size(), with);
  };
  replace_all("{blob}", postgres ? "BYTEA" : "BLOB");
  replace_all("{bigint}", postgres ? "BIGINT" : "INTEGER");
  return out;
}

}  // namespace vigil::store
