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
    // The index of the log itself (one row per sequenced entry, written in the transaction that
    // applies the entry, so a gap shows what a crash left unapplied), and the reports.
    {2,
     "CREATE TABLE log_entries ("
     " idx {bigint} PRIMARY KEY,"
     " type INTEGER NOT NULL,"
     " object_id TEXT NOT NULL,"
     " sha256 {blob} NOT NULL,"
     " size {bigint} NOT NULL,"
     " hour {bigint} NOT NULL,"
     " actor TEXT NOT NULL);"
     "CREATE INDEX log_entries_by_object ON log_entries (object_id);"
     "CREATE TABLE reports ("
     " id TEXT PRIMARY KEY,"
     " lookup_hash {blob} NOT NULL UNIQUE,"
     " reporter_recipient TEXT NOT NULL,"
     " created_hour {bigint} NOT NULL,"
     " updated_hour {bigint} NOT NULL,"
     " log_index {bigint} NOT NULL,"
     " deleted INTEGER NOT NULL DEFAULT 0);"
     "CREATE INDEX reports_by_update ON reports (updated_hour, id);"
     "CREATE TABLE messages ("
     " id TEXT PRIMARY KEY,"
     " report_id TEXT NOT NULL,"
     " kind TEXT NOT NULL,"
     " author TEXT NOT NULL,"
     " record_sha256 {blob} NOT NULL,"
     " record_size {bigint} NOT NULL,"
     " payload_offset {bigint} NOT NULL,"
     " log_index {bigint} NOT NULL,"
     " created_hour {bigint} NOT NULL);"
     "CREATE INDEX messages_by_report ON messages (report_id, log_index);"
     "CREATE TABLE attachments ("
     " id TEXT PRIMARY KEY,"
     " message_id TEXT,"
     " sha256 {blob} NOT NULL,"
     " size {bigint} NOT NULL,"
     " log_index {bigint} NOT NULL);"
     "CREATE INDEX attachments_by_message ON attachments (message_id)"},
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
