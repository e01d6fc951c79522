// The embedded engine: SQLite in WAL mode with synchronous=FULL; one writer thread that runs
// concurrent writes in shared transactions (group commit: one fsync for many acknowledgements,
// each write isolated by a savepoint), and a pool of read-only connections.
#pragma once

#include <filesystem>

#include "store/database.h"

namespace vigil::store {

struct SqliteOptions {
  std::size_t readers = 4;
  std::size_t max_batch = 256;  // writes per shared transaction
};

// Opens (creating) the database file and applies migrations. Fails with kUnavailable when the
// file cannot be opened, kFailedPrecondition when it has a newer schema than this build.
Result<std::unique_ptr<Database>> OpenSqlite(const std::filesystem::path& path,
                                             SqliteOptions options = {});

}  // namespace vigil::store
