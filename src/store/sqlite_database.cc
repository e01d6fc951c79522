#include "store/sqlite_database.h"

#include <sqlite3.h>

#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>

#include "base/check.h"
#include "base/string_map.h"
#include "store/write_queue.h"

namespace vigil::store {
namespace {

Error SqliteError(sqlite3* db, int rc, std::string_view what) {
  int extended = sqlite3_extended_errcode(db);
  std::string detail = std::string(what) + ": " + sqlite3_errmsg(db);
  if (extended == SQLITE_CONSTRAINT_UNIQUE || extended == SQLITE_CONSTRAINT_PRIMARYKEY)
    return MakeError(Errc::kAlreadyExists, detail);
  if ((rc & 0xff) == SQLITE_CONSTRAINT) return MakeError(Errc::kInvalidArgument, detail);
  if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED)
    return MakeError(Errc::kUnavailable, detail);
  if ((rc & 0xff) == SQLITE_ERROR) return MakeError(Errc::kInvalidArgument, detail);
  return MakeError(Errc::kInternal, detail);
}

// One connection and its prepared statements, by SQL text. Performance: the writer runs the same
// few statements for every report, and parsing them again each time was a tenth of its CPU
// (perf under bench/reports_bench.sh).
class Connection {
 public:
  explicit Connection(sqlite3* db) : db_(db) {}
  ~Connection() {
    for (auto& [sql, stmt] : statements_) sqlite3_finalize(stmt);
    sqlite3_close(db_);
  }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  sqlite3* db() const { return db_; }

  // A prepared statement for `sql`, reset and with no bindings; the caller resets it after use.
  Result<sqlite3_stmt*> Prepare(std::string_view sql) {
    auto it = statements_.find(sql);
    if (it != statements_.end()) return it->second;
    // The few distinct statements of this code base fit; a bound stops any growth.
    if (statements_.size() >= kMaxStatements) {
      for (auto& [text, stmt] : statements_) sqlite3_finalize(stmt);
      statements_.clear();
    }
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) return SqliteError(db_, rc, "prepare");
    statements_.emplace(std::string(sql), stmt);
    return stmt;
  }

 private:
  static constexpr std::size_t kMaxStatements = 256;
  sqlite3* db_;
  StringMap<sqlite3_stmt*> statements_;
};

class SqliteTransaction final : public StatementRunner {
 public:
  explicit SqliteTransaction(Connection& connection)
      : connection_(connection), db_(connection.db()) {}

  // Runs statements without parameters (migrations).
  Status Exec(const std::string& sql) {
    char* message = nullptr;
    int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message);
    sqlite3_free(message);
    if (rc != SQLITE_OK) return SqliteError(db_, rc, "exec");
    return OkStatus();
  }

  // Runs one statement without parameters through the connection's prepared statements
  // (BEGIN, SAVEPOINT, COMMIT and the like).
  Status Step(std::string_view sql) { return Run(sql, {}, nullptr); }

 private:
  Status Run(std::string_view sql, const Params& params, std::vector<Row>* rows) override {
    VIGIL_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, connection_.Prepare(sql));
    // Reset at once after use, so that no statement holds a transaction open.
    auto reset = [](sqlite3_stmt* s) {
      sqlite3_reset(s);
      sqlite3_clear_bindings(s);
    };
    std::unique_ptr<sqlite3_stmt, decltype(reset)> guard(stmt, reset);
    int rc = SQLITE_OK;
    if (static_cast<std::size_t>(sqlite3_bind_parameter_count(stmt)) != params.size())
      return MakeError(Errc::kInvalidArgument, "wrong number of parameters");
    for (std::size_t i = 0; i < params.size(); ++i) {
      int index = static_cast<int>(i + 1);
      const Value& v = params[i];
      if (std::holds_alternative<std::nullptr_t>(v)) {
        rc = sqlite3_bind_null(stmt, index);
      } else if (auto* n = std::get_if<std::int64_t>(&v)) {
        rc = sqlite3_bind_int64(stmt, index, *n);
      } else if (auto* s = std::get_if<std::string>(&v)) {
        rc = sqlite3_bind_text64(stmt, index, s->data(), s->size(), SQLITE_STATIC, SQLITE_UTF8);
      } else {
        const Bytes& b = std::get<Bytes>(v);
        rc = sqlite3_bind_blob64(stmt, index, b.empty() ? "" : static_cast<const void*>(b.data()),
                                 b.size(), SQLITE_STATIC);
      }
      if (rc != SQLITE_OK) return SqliteError(db_, rc, "bind");
    }
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      if (rows == nullptr) continue;
      Row row;
      int columns = sqlite3_column_count(stmt);
      for (int c = 0; c < columns; ++c) {
        switch (sqlite3_column_type(stmt, c)) {
          case SQLITE_NULL:
            row.emplace_back(nullptr);
            break;
          case SQLITE_INTEGER:
            row.emplace_back(static_cast<std::int64_t>(sqlite3_column_int64(stmt, c)));
            break;
          case SQLITE_BLOB: {
            auto* p = static_cast<const std::uint8_t*>(sqlite3_column_blob(stmt, c));
            row.emplace_back(Bytes(p, p + sqlite3_column_bytes(stmt, c)));
            break;
          }
          default: {
            auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt, c));
            row.emplace_back(
                std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt, c))));
          }
        }
      }
      rows->push_back(std::move(row));
    }
    if (rc != SQLITE_DONE) return SqliteError(db_, rc, "step");
    return OkStatus();
  }

  Connection& connection_;
  sqlite3* db_;
};

Result<std::unique_ptr<Connection>> OpenConnection(const std::filesystem::path& path,
                                                   bool read_only) {
  sqlite3* db = nullptr;
  int flags = (read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) |
              SQLITE_OPEN_NOMUTEX;
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return MakeError(Errc::kUnavailable, "cannot open " + path.string() + ": " + message);
  }
  sqlite3_busy_timeout(db, 5000);
  auto connection = std::make_unique<Connection>(db);
  SqliteTransaction setup(*connection);
  // Durability: WAL with synchronous=FULL syncs the WAL at every commit (DESIGN.md section 5).
  std::string pragmas = read_only ? "PRAGMA foreign_keys=ON"
                                  : "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA "
                                    "foreign_keys=ON; PRAGMA cache_size=-32768";
  VIGIL_RETURN_IF_ERROR(setup.Exec(pragmas));
  return connection;
}

class SqliteDatabase final : public Database {
 public:
  ~SqliteDatabase() override {
    queue_.Stop();
    if (writer_thread_.joinable()) writer_thread_.join();
    {
      std::lock_guard lock(checkpoint_mu_);
      checkpoint_stopping_ = true;
    }
    checkpoint_cv_.notify_one();
    if (checkpoint_thread_.joinable()) checkpoint_thread_.join();
  }

  static Result<std::unique_ptr<Database>> Open(const std::filesystem::path& path,
                                                SqliteOptions options) {
    std::unique_ptr<SqliteDatabase> db(new SqliteDatabase(options));
    VIGIL_ASSIGN_OR_RETURN(db->writer_, OpenConnection(path, false));
    VIGIL_RETURN_IF_ERROR(db->Migrate());
    for (std::size_t i = 0; i < options.readers; ++i) {
      VIGIL_ASSIGN_OR_RETURN(auto reader, OpenConnection(path, true));
      db->idle_readers_.push_back(reader.get());
      db->readers_.push_back(std::move(reader));
    }
    // Performance (decision 0012): SQLite's automatic checkpoint runs inside the commit that
    // crosses its threshold, and every write queued behind that commit waited for the copy and
    // its syncs (commits of up to 85 ms under bench/reports_bench.sh). Setting a WAL hook
    // replaces it; the hook hands the work to the checkpointer thread.
    VIGIL_ASSIGN_OR_RETURN(db->checkpointer_, OpenConnection(path, false));
    sqlite3_wal_hook(db->writer_->db(), &SqliteDatabase::OnWalCommit, db.get());
    db->checkpoint_thread_ = std::thread([p = db.get()] { p->CheckpointLoop(); });
    db->writer_thread_ = std::thread([p = db.get()] { p->WriterLoop(); });
    return std::unique_ptr<Database>(std::move(db));
  }

  Status Write(Work work) override {
    std::promise<Status> done;
    auto future = done.get_future();
    WriteAsync(
        std::move(work), [&done](Status s) { done.set_value(std::move(s)); }, false);
    return future.get();
  }

  void WriteAsync(Work work, std::function<void(Status)> done, bool more_follow) override {
    queue_.Push({std::move(work), std::move(done)}, more_follow);
  }

  Status Read(Work work) override {
    Connection* reader = nullptr;
    {
      std::unique_lock lock(reader_mu_);
      reader_cv_.wait(lock, [&] { return !idle_readers_.empty(); });
      reader = idle_readers_.back();
      idle_readers_.pop_back();
    }
    SqliteTransaction txn(*reader);
    Status result = txn.Step("BEGIN");
    if (result) {
      result = work(txn);
      (void)txn.Step(result ? "COMMIT" : "ROLLBACK");
    }
    {
      std::lock_guard lock(reader_mu_);
      idle_readers_.push_back(reader);
    }
    reader_cv_.notify_one();
    return result;
  }

  int schema_version() const override { return schema_version_; }

 private:
  explicit SqliteDatabase(SqliteOptions options) : options_(options) {}

  Status Migrate() {
    SqliteTransaction txn(*writer_);
    VIGIL_RETURN_IF_ERROR(
        txn.Exec("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY)"));
    VIGIL_ASSIGN_OR_RETURN(
        auto rows, txn.Query("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", {}));
    int current = static_cast<int>(std::get<std::int64_t>(rows.at(0).at(0)));
    auto migrations = BuiltinMigrations();
    int latest = migrations.empty() ? 0 : migrations.back().version;
    if (current > latest)
      return MakeError(Errc::kFailedPrecondition,
                       "the database has schema version " + std::to_string(current) +
                           ", newer than this build's " + std::to_string(latest));
    for (const Migration& m : migrations) {
      if (m.version <= current) continue;
      VIGIL_RETURN_IF_ERROR(txn.Exec("BEGIN IMMEDIATE"));
      Status applied = txn.Exec(RenderMigration(m.sql, false));
      if (applied)
        applied = txn.Execute("INSERT INTO schema_migrations (version) VALUES (?)",
                              {std::int64_t{m.version}});
      if (!applied) {
        (void)txn.Exec("ROLLBACK");
        return MakeError(applied.error().code,
                         "migration " + std::to_string(m.version) + ": " + applied.error().detail);
      }
      VIGIL_RETURN_IF_ERROR(txn.Exec("COMMIT"));
    }
    schema_version_ = latest;
    return OkStatus();
  }

  void WriterLoop() {
    SqliteTransaction txn(*writer_);
    while (true) {
      std::vector<WriteQueue::Item> group = queue_.Take(options_.max_batch);
      if (group.empty()) return;
      CommitGroup(txn, "BEGIN IMMEDIATE", group);
    }
  }

  // Called on the writer thread after each commit, with the number of pages in the WAL.
  static int OnWalCommit(void* self, sqlite3* db, const char* schema, int pages) {
    auto* d = static_cast<SqliteDatabase*>(self);
    if (pages >= d->options_.writer_checkpoint_pages) {
      // The checkpointer has fallen behind (or a reader holds an old snapshot): copy back now,
      // as SQLite's automatic checkpoint would, so the WAL stops growing.
      (void)sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    } else if (pages >= d->options_.checkpoint_pages) {
      {
        std::lock_guard lock(d->checkpoint_mu_);
        d->checkpoint_wanted_ = true;
      }
      d->checkpoint_cv_.notify_one();
    }
    return SQLITE_OK;
  }

  // A passive checkpoint never blocks the writer or the readers: it copies what it can, and the
  // writer's next transaction starts the WAL over once everything is copied.
  void CheckpointLoop() {
    std::unique_lock lock(checkpoint_mu_);
    while (true) {
      checkpoint_cv_.wait(lock, [&] { return checkpoint_stopping_ || checkpoint_wanted_; });
      if (checkpoint_stopping_) return;
      checkpoint_wanted_ = false;
      lock.unlock();
      // A failure (SQLITE_BUSY while the writer checkpoints, an I/O error) leaves the pages in
      // the WAL, where they are as durable; the next commit asks again.
      (void)sqlite3_wal_checkpoint_v2(checkpointer_->db(), nullptr, SQLITE_CHECKPOINT_PASSIVE,
                                      nullptr, nullptr);
      lock.lock();
    }
  }

  SqliteOptions options_;
  std::unique_ptr<Connection> writer_;
  std::unique_ptr<Connection> checkpointer_;
  std::mutex checkpoint_mu_;
  std::condition_variable checkpoint_cv_;
  bool checkpoint_wanted_ = false;
  bool checkpoint_stopping_ = false;
  std::thread checkpoint_thread_;
  int schema_version_ = 0;
  WriteQueue queue_;
  std::thread writer_thread_;
  std::mutex reader_mu_;
  std::condition_variable reader_cv_;
  std::vector<std::unique_ptr<Connection>> readers_;
  std::vector<Connection*> idle_readers_;
};

}  // namespace

Result<std::unique_ptr<Database>> OpenSqlite(const std::filesystem::path& path,
                                             SqliteOptions options) {
  return SqliteDatabase::Open(path, options);
}

}  // namespace vigil::store
