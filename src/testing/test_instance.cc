#include "testing/test_instance.h"

#include <cctype>

#include "base/check.h"
#include "store/postgres_database.h"
#include "store/sqlite_database.h"
#include "testing/seeded_random.h"
#include "testing/temp_postgres.h"

namespace vigil::testing {
namespace {

translog::SignerKey Key() {
  SeededRandom random(11);
  return std::move(*translog::GenerateSignerKey(TestInstance::kOrigin, random));
}

}  // namespace

Result<std::unique_ptr<store::Database>> OpenTestDatabase(Engine engine,
                                                          const std::filesystem::path& dir,
                                                          const std::string& suffix) {
  if (engine == Engine::kSqlite) return store::OpenSqlite(dir / ("vigil" + suffix + ".db"));
  std::string name = "t_" + dir.filename().string() + suffix;
  for (char& c : name) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return store::OpenPostgres(TempPostgres::Get().Database(name));
}

TestInstance::TestInstance(Engine engine) : engine_(engine) {
  CHECK(translog::Appender::Init(dir_.path() / "log", kOrigin, Key()));
  Open();
}

TestInstance::~TestInstance() { Close(); }

void TestInstance::Open() {
  auto blobs = store::BlobStore::Open(dir_.path() / "blobs", {.disk_reserve_bytes = 0});
  CHECK(blobs);
  blobs_ = std::move(*blobs);
  translog::AppenderOptions options;
  options.dir = dir_.path() / "log";
  options.origin = kOrigin;
  options.checkpoint_interval = std::chrono::milliseconds(10);
  auto log = translog::Appender::Open(options, Key());
  CHECK(log);
  log_ = std::move(*log);
  auto log_dir = translog::LogDirectory::Open(options.dir);
  CHECK(log_dir);
  log_dir_ = std::move(*log_dir);
  auto db = OpenTestDatabase(engine_, dir_.path(), "_" + std::to_string(database_generation_));
  CHECK(db);
  db_ = std::move(*db);
  ledger_ = std::make_unique<records::Ledger>(*blobs_, *log_, *db_, clock_);
  ledger_->LetTheLogSyncBlobs();  // one temporary directory: one file system
}

void TestInstance::Close() {
  ledger_.reset();
  db_.reset();
  log_dir_.reset();
  log_.reset();
  blobs_.reset();
}

void TestInstance::Reopen(const std::function<void()>& while_closed) {
  Close();
  if (while_closed) while_closed();
  Open();
}

void TestInstance::ReplaceDatabase() {
  Close();
  ++database_generation_;
  Open();
}

translog::VerifierKey TestInstance::verifier_key() const { return Key().verifier_key(); }

}  // namespace vigil::testing
