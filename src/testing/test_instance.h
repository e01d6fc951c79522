// A whole instance's storage for tests: blob store, transparency log, database (SQLite or the
// harness's PostgreSQL) and the ledger over them, in a temporary directory, with a fake clock.
// Reopen() simulates a restart; DropDatabase() a lost database, for rebuild tests.
#pragma once

#include <memory>
#include <string>

#include "records/ledger.h"
#include "store/blob_store.h"
#include "store/database.h"
#include "testing/fake_clock.h"
#include "testing/test_paths.h"
#include "translog/appender.h"
#include "translog/log_directory.h"

namespace vigil::testing {

enum class Engine { kSqlite, kPostgres };

// "Sqlite" or "Postgres", for parameterised test names.
inline std::string EngineName(Engine engine) {
  return engine == Engine::kSqlite ? "Sqlite" : "Postgres";
}

// Opens the test database of `engine` for the directory `dir` (a PostgreSQL database named
// after the directory, created on first use).
Result<std::unique_ptr<store::Database>> OpenTestDatabase(Engine engine,
                                                          const std::filesystem::path& dir,
                                                          const std::string& suffix = "");

class TestInstance {
 public:
  static constexpr char kOrigin[] = "test.example/vigil";

  explicit TestInstance(Engine engine);
  ~TestInstance();

  // Closes everything and opens it again (the ledger has no appliers until the caller
  // registers them again). `while_closed` runs in between: a test's crash damage.
  void Reopen(const std::function<void()>& while_closed = {});
  // Closes everything, replaces the database by an empty one, and opens again.
  void ReplaceDatabase();

  const std::filesystem::path& dir() const { return dir_.path(); }
  store::BlobStore& blobs() { return *blobs_; }
  translog::Appender& log() { return *log_; }
  const translog::LogDirectory& log_dir() const { return *log_dir_; }
  store::Database& db() { return *db_; }
  records::Ledger& ledger() { return *ledger_; }
  FakeClock& clock() { return clock_; }
  translog::VerifierKey verifier_key() const;

 private:
  void Open();
  void Close();

  Engine engine_;
  TempDir dir_;
  FakeClock clock_;
  int database_generation_ = 0;
  std::unique_ptr<store::BlobStore> blobs_;
  std::unique_ptr<translog::Appender> log_;
  std::optional<translog::LogDirectory> log_dir_;
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<records::Ledger> ledger_;
};

}  // namespace vigil::testing
