#include "store/postgres_database.h"

#include <libpq-fe.h>

#include <condition_variable>
#include <cstring>
#include <memory>
#include <mutex>
#include <thread>

#include "base/string_map.h"
#include "store/write_queue.h"

namespace vigil::store {
namespace {

// Type OIDs of pg_type that results may carry (binary format).
constexpr Oid kBool = 16, kBytea = 17, kName = 19, kInt8 = 20, kInt2 = 21, kInt4 = 23, kText = 25,
              kVarchar = 1043;

Error PgError(PGconn* conn, const PGresult* res, std::string_view what) {
  const char* state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
  std::string detail =
      std::string(what) + ": " + (res ? PQresultErrorMessage(res) : PQerrorMessage(conn));
  while (!detail.empty() && detail.back() == '\n') detail.pop_back();
  if (PQstatus(conn) != CONNECTION_OK || state == nullptr)
    return MakeError(Errc::kUnavailable, detail);
  std::string_view s(state);
  if (s == "23505") return MakeError(Errc::kAlreadyExists, detail);
  if (s.starts_with("23") || s.starts_with("42") || s.starts_with("22") || s == "08P01")
    return MakeError(Errc::kInvalidArgument, detail);
  if (s.starts_with("08") || s.starts_with("57") || s == "40001" || s == "40P01" ||
      s.starts_with("53"))
    return MakeError(Errc::kUnavailable, detail);
  return MakeError(Errc::kInternal, detail);
}

std::int64_t BigEndian(const char* p, int n) {
  std::int64_t v = 0;
  for (int i = 0; i < n; ++i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  // Sign-extend shorter integers.
  if (n < 8 && n > 0 && (static_cast<unsigned char>(p[0]) & 0x80)) v -= std::int64_t{1} << (8 * n);
  return v;
}

// One connection and the statements prepared on it, by SQL text. Performance: the PostgreSQL
// path is CPU-bound on a small server, and parsing and planning the same few statements for every
// report was a share of it (bench/reports_bench.sh). Prepared statements belong to the session:
// a reset connection starts with none.
struct PgConnection {
  explicit PgConnection(PGconn* c) : conn(c) {}
  ~PgConnection() { PQfinish(conn); }
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  static constexpr std::size_t kMaxPrepared = 256;
  PGconn* conn;
  StringMap<std::string> prepared;  // SQL → statement name
};

class PgTransaction final : public StatementRunner {
 public:
  explicit PgTransaction(PgConnection& connection)
      : connection_(connection), conn_(connection.conn) {}

  Status Exec(const std::string& sql) {
    PGresult* res = PQexec(conn_, sql.c_str());
    ExecStatusType st = PQresultStatus(res);
    Status out = (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
                     ? OkStatus()
                     : Status(PgError(conn_, res, "exec"));
    PQclear(res);
    return out;
  }

 private:
  Status Run(std::string_view sql, const Params& params, std::vector<Row>* rows) override {
    std::vector<std::string> text(params.size());
    std::vector<const char*> values(params.size());
    std::vector<int> lengths(params.size()), formats(params.size());
    for (std::size_t i = 0; i < params.size(); ++i) {
      const Value& v = params[i];
      if (std::holds_alternative<std::nullptr_t>(v)) {
        values[i] = nullptr;
      } else if (auto* n = std::get_if<std::int64_t>(&v)) {
        text[i] = std::to_string(*n);
        values[i] = text[i].c_str();
      } else if (auto* s = std::get_if<std::string>(&v)) {
        values[i] = s->c_str();
      } else {
        const Bytes& b = std::get<Bytes>(v);
        // libpq reads a null pointer as SQL NULL, and an empty vector's data() may be null.
        values[i] = b.empty() ? "" : reinterpret_cast<const char*>(b.data());
        lengths[i] = static_cast<int>(b.size());
        formats[i] = 1;
      }
    }
    VIGIL_ASSIGN_OR_RETURN(const std::string* name, Prepared(sql, params.size()));
    const int count = static_cast<int>(params.size());
    PGresult* res =
        name ? PQexecPrepared(conn_, name->c_str(), count, values.data(), lengths.data(),
                              formats.data(), /*resultFormat=*/1)
             : PQexecParams(conn_, NumberPlaceholders(sql).c_str(), count, nullptr, values.data(),
                            lengths.data(), formats.data(), /*resultFormat=*/1);
    std::unique_ptr<PGresult, void (*)(PGresult*)> guard(res, PQclear);
    ExecStatusType st = PQresultStatus(res);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) return PgError(conn_, res, "query");
    if (rows == nullptr) return OkStatus();
    int n_rows = PQntuples(res), n_cols = PQnfields(res);
    for (int r = 0; r < n_rows; ++r) {
      Row row;
      for (int c = 0; c < n_cols; ++c) {
        if (PQgetisnull(res, r, c)) {
          row.emplace_back(nullptr);
          continue;
        }
        const char* p = PQgetvalue(res, r, c);
        int len = PQgetlength(res, r, c);
        switch (PQftype(res, c)) {
          case kInt8:
          case kInt4:
          case kInt2:
          case kBool:
            row.emplace_back(BigEndian(p, len));
            break;
          case kText:
          case kVarchar:
          case kName:
            row.emplace_back(std::string(p, static_cast<std::size_t>(len)));
            break;
          case kBytea:
            row.emplace_back(Bytes(p, p + len));
            break;
          default:
            return MakeError(Errc::kInternal,
                             "unsupported column type " + std::to_string(PQftype(res, c)));
        }
      }
      rows->push_back(std::move(row));
    }
    return OkStatus();
  }

  // The name of `sql` prepared on this connection, preparing it first if needed; null when the
  // cache is full (the statement then runs unprepared).
  Result<const std::string*> Prepared(std::string_view sql, std::size_t params) {
    auto& prepared = connection_.prepared;
    if (auto it = prepared.find(sql); it != prepared.end()) return &it->second;
    if (prepared.size() >= PgConnection::kMaxPrepared) return nullptr;
    std::string name = "vigil_" + std::to_string(prepared.size());
    PGresult* res = PQprepare(conn_, name.c_str(), NumberPlaceholders(sql).c_str(),
                              static_cast<int>(params), nullptr);
    std::unique_ptr<PGresult, void (*)(PGresult*)> guard(res, PQclear);
    if (PQresultStatus(res) != PGRES_COMMAND_OK) return PgError(conn_, res, "prepare");
    return &prepared.emplace(std::string(sql), std::move(name)).first->second;
  }

  PgConnection& connection_;
  PGconn* conn_;
};

// A connection the server dropped is re-established on its next use.
bool Usable(PgConnection& c) {
  if (PQstatus(c.conn) != CONNECTION_OK) {
    PQreset(c.conn);
    c.prepared.clear();
  }
  return PQstatus(c.conn) == CONNECTION_OK;
}

class PostgresDatabase final : public Database {
 public:
  ~PostgresDatabase() override {
    queue_.Stop();
    if (writer_thread_.joinable()) writer_thread_.join();
  }

  // Opens `connections` pooled connections and one more for the writer thread.
  static Result<std::unique_ptr<Database>> Open(const std::string& conninfo,
                                                PostgresOptions options) {
    std::unique_ptr<PostgresDatabase> db(new PostgresDatabase);
    for (std::size_t i = 0; i < std::max<std::size_t>(1, options.connections) + 1; ++i) {
      db->all_.push_back(std::make_unique<PgConnection>(PQconnectdb(conninfo.c_str())));
      PGconn* c = db->all_.back()->conn;
      if (PQstatus(c) != CONNECTION_OK) {
        std::string message = PQerrorMessage(c);
        while (!message.empty() && message.back() == '\n') message.pop_back();
        return MakeError(Errc::kUnavailable, "cannot connect to PostgreSQL: " + message);
      }
      if (i > 0) db->idle_.push_back(db->all_.back().get());
    }
    VIGIL_RETURN_IF_ERROR(db->Migrate());
    db->writer_thread_ = std::thread([p = db.get()] { p->WriterLoop(); });
    return std::unique_ptr<Database>(std::move(db));
  }

  Status Write(Work work) override { return InTransaction("BEGIN", std::move(work)); }
  void WriteAsync(Work work, std::function<void(Status)> done, bool more_follow) override {
    queue_.Push({std::move(work), std::move(done)}, more_follow);
  }
  Status Read(Work work) override {
    return InTransaction("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", std::move(work));
  }
  int schema_version() const override { return schema_version_; }

 private:
  PostgresDatabase() = default;

  Result<PgConnection*> Acquire() {
    PgConnection* c = nullptr;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return !idle_.empty(); });
      c = idle_.back();
      idle_.pop_back();
    }
    if (!Usable(*c)) {
      Release(c);
      return MakeError(Errc::kUnavailable, "PostgreSQL is unreachable");
    }
    return c;
  }
  void Release(PgConnection* c) {
    {
      std::lock_guard lock(mu_);
      idle_.push_back(c);
    }
    cv_.notify_one();
  }

  Status InTransaction(const char* begin, Work work) {
    VIGIL_ASSIGN_OR_RETURN(PgConnection * c, Acquire());
    PgTransaction txn(*c);
    Status result = txn.Exec(begin);
    if (result) {
      result = work(txn);
      if (result) {
        result = txn.Exec("COMMIT");
      } else {
        (void)txn.Exec("ROLLBACK");
      }
    }
    Release(c);
    return result;
  }

  Status Migrate() {
    auto migrations = BuiltinMigrations();
    const int latest = migrations.empty() ? 0 : migrations.back().version;
    VIGIL_ASSIGN_OR_RETURN(PgConnection * c, Acquire());
    PgTransaction txn(*c);
    Status s =
        txn.Exec("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY)");
    for (const Migration& m : migrations) {
      if (!s) break;
      // One migrator at a time across every server sharing the database.
      s = txn.Exec("BEGIN");
      if (s) s = txn.Exec("SELECT pg_advisory_xact_lock(7419206)");
      Result<std::vector<Row>> applied = std::vector<Row>();
      if (s)
        applied = txn.Query("SELECT COUNT(*) FROM schema_migrations WHERE version = ?",
                            {std::int64_t{m.version}});
      if (s && !applied) s = applied.error();
      if (s && std::get<std::int64_t>(applied->at(0).at(0)) == 0) {
        s = txn.Exec(RenderMigration(m.sql, true));
        if (s)
          s = txn.Execute("INSERT INTO schema_migrations (version) VALUES (?)",
                          {std::int64_t{m.version}});
      }
      s = s ? txn.Exec("COMMIT") : ((void)txn.Exec("ROLLBACK"), s);
    }
    Result<std::vector<Row>> newest = std::vector<Row>();
    if (s) newest = txn.Query("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", {});
    Release(c);
    VIGIL_RETURN_IF_ERROR(s);
    if (!newest) return newest.error();
    int current = static_cast<int>(std::get<std::int64_t>(newest->at(0).at(0)));
    if (current > latest)
      return MakeError(Errc::kFailedPrecondition,
                       "the database has schema version " + std::to_string(current) +
                           ", newer than this build's " + std::to_string(latest));
    schema_version_ = latest;
    return OkStatus();
  }

  // Queued writes, committed in groups on all_[0] by the writer thread.
  void WriterLoop() {
    PgConnection& writer = *all_.front();
    while (true) {
      std::vector<WriteQueue::Item> group = queue_.Take(256);
      if (group.empty()) return;
      if (!Usable(writer)) {
        for (auto& item : group)
          item.done(MakeError(Errc::kUnavailable, "PostgreSQL is unreachable"));
        continue;
      }
      PgTransaction txn(writer);
      CommitGroup(txn, "BEGIN", group);
    }
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<PgConnection>> all_;  // all_[0] is the writer thread's
  std::vector<PgConnection*> idle_;
  int schema_version_ = 0;
  WriteQueue queue_;
  std::thread writer_thread_;
};

}  // namespace

std::string NumberPlaceholders(std::string_view sql) {
  std::string out;
  out.reserve(sql.size() + 16);
  int n = 0;
  char quote = 0;
  for (char c : sql) {
    if (quote) {
      if (c == quote) quote = 0;
      out += c;
    } else if (c == '\'' || c == '"') {
      quote = c;
      out += c;
    } else if (c == '?') {
      out += '$' + std::to_string(++n);
    } else {
      out += c;
    }
  }
  return out;
}

Result<std::unique_ptr<Database>> OpenPostgres(const std::string& conninfo,
                                               PostgresOptions options) {
  return PostgresDatabase::Open(conninfo, options);
}

}  // namespace vigil::store
