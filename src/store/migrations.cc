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
    // Accounts and keys (src/accounts). The first six tables are an index of records; the last
    // three are ephemeral state that a rebuild starts empty (everyone signs in again).
    {3,
     "CREATE TABLE invitations ("
     " id TEXT PRIMARY KEY,"
     " role TEXT NOT NULL,"
     " token_hash TEXT NOT NULL UNIQUE,"
     " expires_hour {bigint} NOT NULL,"
     " created_by TEXT NOT NULL,"
     " used_by TEXT,"
     " log_index {bigint} NOT NULL);"
     "CREATE TABLE accounts ("
     " id TEXT PRIMARY KEY,"
     " role TEXT NOT NULL,"
     " login_hash TEXT UNIQUE,"
     " login_salt {blob},"
     " verifier TEXT,"
     " token_hash TEXT UNIQUE,"
     " recipient TEXT,"
     " identity {blob},"
     " created_hour {bigint} NOT NULL,"
     " log_index {bigint} NOT NULL);"
     "CREATE TABLE totp_seeds ("
     " account_id TEXT PRIMARY KEY,"
     " seed {blob} NOT NULL,"
     " log_index {bigint} NOT NULL);"
     "CREATE TABLE key_generations ("
     " generation {bigint} PRIMARY KEY,"
     " recipient TEXT NOT NULL,"
     " previous {blob},"
     " created_hour {bigint} NOT NULL,"
     " log_index {bigint} NOT NULL);"
     "CREATE TABLE key_wraps ("
     " generation {bigint} NOT NULL,"
     " account_id TEXT NOT NULL,"
     " wrap {blob} NOT NULL,"
     " log_index {bigint} NOT NULL,"
     " PRIMARY KEY (generation, account_id));"
     "CREATE TABLE recovery_shares ("
     " id TEXT PRIMARY KEY,"
     " generation {bigint} NOT NULL,"
     " holder TEXT NOT NULL,"
     " share_index INTEGER NOT NULL,"
     " threshold INTEGER NOT NULL,"
     " share_count INTEGER NOT NULL,"
     " share {blob} NOT NULL,"
     " log_index {bigint} NOT NULL);"
     "CREATE INDEX recovery_shares_by_holder ON recovery_shares (holder, log_index);"
     "CREATE TABLE sessions ("
     " token_hash TEXT PRIMARY KEY,"
     " account_id TEXT NOT NULL,"
     " created_at {bigint} NOT NULL,"
     " last_seen_at {bigint} NOT NULL);"
     "CREATE INDEX sessions_by_account ON sessions (account_id);"
     "CREATE TABLE login_failures ("
     " login_hash TEXT PRIMARY KEY,"
     " failures INTEGER NOT NULL,"
     " locked_until {bigint} NOT NULL,"
     " updated_at {bigint} NOT NULL);"
     "CREATE TABLE totp_used ("
     " account_id TEXT PRIMARY KEY,"
     " last_step {bigint} NOT NULL)"},
    // The tracker's edits (src/tracker/edits.cc), public, in log order.
    {4,
     "CREATE TABLE tracker_edits ("
     " log_index {bigint} PRIMARY KEY,"
     " id TEXT NOT NULL,"
     " iso3 TEXT NOT NULL,"
     " field TEXT NOT NULL,"
     " value TEXT NOT NULL,"
     " source TEXT NOT NULL,"
     " hour {bigint} NOT NULL,"
     " editor TEXT NOT NULL);"
     "CREATE INDEX tracker_edits_by_state ON tracker_edits (iso3, log_index)"},
    // Published statistics (src/cases/publications.cc), public.
    {5,
     "CREATE TABLE statistics ("
     " id TEXT PRIMARY KEY,"
     " title TEXT NOT NULL,"
     " log_index {bigint} NOT NULL,"
     " hour {bigint} NOT NULL,"
     " document TEXT NOT NULL)"},
    // Protection cases (src/cases/cases.cc): opaque revisions and the custody events of each.
    {6,
     "CREATE TABLE cases ("
     " id TEXT PRIMARY KEY,"
     " revisions INTEGER NOT NULL,"
     " created_hour {bigint} NOT NULL,"
     " updated_hour {bigint} NOT NULL,"
     " log_index {bigint} NOT NULL,"
     " deleted INTEGER NOT NULL DEFAULT 0);"
     "CREATE INDEX cases_by_update ON cases (updated_hour, id);"
     "CREATE TABLE case_events ("
     " log_index {bigint} PRIMARY KEY,"
     " case_id TEXT NOT NULL,"
     " kind TEXT NOT NULL,"
     " revision INTEGER NOT NULL,"
     " record_sha256 {blob} NOT NULL,"
     " record_size {bigint} NOT NULL,"
     " payload_offset {bigint} NOT NULL,"
     " detail TEXT NOT NULL,"
     " hour {bigint} NOT NULL,"
     " author TEXT NOT NULL);"
     "CREATE UNIQUE INDEX case_revisions ON case_events (case_id, revision) "
     "WHERE kind = 'revision'"},
    // Instance settings (src/settings/settings.cc): each changed key's current value (JSON) and
    // the entry that set it; the version is the last settings entry's log index.
    {7,
     "CREATE TABLE settings ("
     " key TEXT PRIMARY KEY,"
     " value TEXT NOT NULL,"
     " log_index {bigint} NOT NULL,"
     " hour {bigint} NOT NULL);"
     "CREATE TABLE settings_version ("
     " id INTEGER PRIMARY KEY,"
     " log_index {bigint} NOT NULL)"},
    // No query looks entries up by object: the index only cost every entry a write to a random
    // page of it (decision 0012, "What a report costs the disk").
    {8, "DROP INDEX IF EXISTS log_entries_by_object"},
    // Indexes whose keys arrive in log order, so that a new report adds to their last page
    // instead of dirtying a random one (decision 0015): a report's messages are found by the
    // report's log index, and the list of reports pages by (updated hour, log index).
    {9,
     "ALTER TABLE messages ADD COLUMN report_index {bigint};"
     "UPDATE messages SET report_index ="
     " (SELECT r.log_index FROM reports r WHERE r.id = messages.report_id);"
     "CREATE INDEX messages_by_report_index ON messages (report_index, log_index);"
     "DROP INDEX messages_by_report;"
     "DROP INDEX reports_by_update;"
     "CREATE INDEX reports_by_recency ON reports (updated_hour, log_index)"},
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
