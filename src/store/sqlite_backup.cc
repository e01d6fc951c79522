#include "store/sqlite_backup.h"

#include <sqlite3.h>

#include <chrono>
#include <memory>
#include <thread>

namespace vigil::store {
namespace {

using Connection = std::unique_ptr<sqlite3, int (*)(sqlite3*)>;

Result<Connection> Open(const std::filesystem::path& path, int flags) {
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, flags | SQLITE_OPEN_NOMUTEX, nullptr);
  Connection connection(db, sqlite3_close);
  if (rc != SQLITE_OK)
    return MakeError(Errc::kUnavailable, "cannot open " + path.string() + ": " +
                                             (db ? sqlite3_errmsg(db) : "out of memory"));
  sqlite3_busy_timeout(db, 5000);
  return connection;
}

}  // namespace

Status CopySqliteDatabase(const std::filesystem::path& from, const std::filesystem::path& to) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(from, ec))
    return MakeError(Errc::kNotFound, "no database at " + from.string());
  if (std::filesystem::exists(to, ec))
    return MakeError(Errc::kAlreadyExists, to.string() + " already exists");
  VIGIL_ASSIGN_OR_RETURN(Connection source, Open(from, SQLITE_OPEN_READONLY));
  VIGIL_ASSIGN_OR_RETURN(Connection target, Open(to, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE));
  sqlite3_backup* backup = sqlite3_backup_init(target.get(), "main", source.get(), "main");
  if (backup == nullptr)
    return MakeError(Errc::kIo,
                     "cannot copy " + from.string() + ": " + sqlite3_errmsg(target.get()));
  // All pages in one step, so the copy is one snapshot of the source. A writer that holds the
  // lock (a checkpoint, outside WAL mode) makes the step busy: wait and retry for a while.
  int rc = SQLITE_OK;
  for (int attempt = 0; attempt < 100; ++attempt) {
    rc = sqlite3_backup_step(backup, -1);
    if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  sqlite3_backup_finish(backup);
  if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
    return MakeError(Errc::kUnavailable, from.string() + " stayed busy: try again");
  if (rc != SQLITE_DONE)
    return MakeError(Errc::kIo, "cannot copy " + from.string() + ": " + sqlite3_errstr(rc));
  // The copy stands alone: its journal goes back into the file before it is closed.
  if (sqlite3_exec(target.get(), "PRAGMA journal_mode=DELETE", nullptr, nullptr, nullptr) !=
      SQLITE_OK)
    return MakeError(Errc::kIo,
                     "cannot finish " + to.string() + ": " + sqlite3_errmsg(target.get()));
  return OkStatus();
}

}  // namespace vigil::store
