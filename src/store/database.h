// The metadata database: one interface, two engines (SQLite embedded by default, PostgreSQL
// when an organisation outgrows one machine). The database is an index: the log and the blob
// store are the source of truth (DESIGN.md section 5). SQL uses `?` placeholders on both engines.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/bytes.h"
#include "base/error.h"

namespace vigil::store {

using Value = std::variant<std::nullptr_t, std::int64_t, std::string, Bytes>;
using Row = std::vector<Value>;
using Params = std::vector<Value>;

// A transaction in progress, valid only inside the Work it is given to.
class Transaction {
 public:
  virtual ~Transaction() = default;
  // Runs one statement. Errors: kAlreadyExists (unique or primary key violation),
  // kInvalidArgument (the statement does not compile or breaks another constraint),
  // kUnavailable (busy, or the server went away), kInternal otherwise.
  virtual Status Execute(std::string_view sql, const Params& params = {}) = 0;
  virtual Result<std::vector<Row>> Query(std::string_view sql, const Params& params = {}) = 0;
};

// The common shape of the engines' transactions: Execute and Query are one statement runner
// that either discards or collects rows.
class StatementRunner : public Transaction {
 public:
  Status Execute(std::string_view sql, const Params& params = {}) final {
    return Run(sql, params, nullptr);
  }
  Result<std::vector<Row>> Query(std::string_view sql, const Params& params = {}) final {
    std::vector<Row> rows;
    VIGIL_RETURN_IF_ERROR(Run(sql, params, &rows));
    return rows;
  }

 protected:
  // Runs `sql`; appends result rows to `rows` when it is not null.
  virtual Status Run(std::string_view sql, const Params& params, std::vector<Row>* rows) = 0;
};

using Work = std::function<Status(Transaction&)>;

// Thread-safe.
class Database {
 public:
  virtual ~Database() = default;
  // Runs `work` in a write transaction and commits it; durable when Write returns OK. When
  // `work` fails, only its own changes are rolled back and its error returned. Concurrent
  // writers may share one commit (group commit).
  virtual Status Write(Work work) = 0;
  // Queues `work` to run as Write runs it, and returns at once; `done` is called with what
  // Write would return, on the engine's writer thread, and must be quick. Writes queued back to
  // back commit together: `more_follow` says that the caller is about to queue more, so that
  // the engine waits for the last of them before it starts.
  virtual void WriteAsync(Work work, std::function<void(Status)> done, bool more_follow) = 0;
  // Runs `work` on a consistent read-only snapshot.
  virtual Status Read(Work work) = 0;
  // The schema version after migrations.
  virtual int schema_version() const = 0;
};

// One schema step. `sql` holds statements separated by ';' and may use {blob} for the binary
// column type (BLOB on SQLite, BYTEA on PostgreSQL) and {bigint} for 64-bit integers.
struct Migration {
  int version;
  const char* sql;
};

// The migrations of this build, in order (store/migrations.cc).
std::span<const Migration> BuiltinMigrations();

// The SQL of a migration for an engine.
std::string RenderMigration(std::string_view sql, bool postgres);

}  // namespace vigil::store
