// The embedded engine: SQLite in WAL mode with synchronous=FULL; one writer thread that runs
// concurrent writes in shared transactions (group commit: one fsync for many acknowledgements,
// each write isolated by a savepoint), a checkpointer thread that copies the WAL back into the
// database file off the writer's path, and a pool of read-only connections.
#pragma once

#include <filesystem>

#include "store/database.h"

namespace vigil::store {

struct SqliteOptions {
  std::size_t readers = 4;
  std::size_t max_batch = 256;  // writes per shared transaction
  // The checkpointer thread starts a checkpoint once the WAL holds this many pages (SQLite's own
  // default). Not more: the log's next syncfs flushes whatever a checkpoint wrote, and at 10,000
  // pages that stall took the p99 latency at 1,000 reports/s from 11 to 52 ms
  // (bench/reports_bench.sh). Should the checkpointer fall behind (or a reader hold an old
  // snapshot), the writer runs one itself, inside the commit that takes the WAL to
  // `writer_checkpoint_pages` (64 MiB of 4 KiB pages): the WAL stays bounded either way.
  int checkpoint_pages = 1000;
  int writer_checkpoint_pages = 16000;
};

// Opens (creating) the database file and applies migrations. Fails with kUnavailable when the
// file cannot be opened, kFailedPrecondition when it has a newer schema than this build.
Result<std::unique_ptr<Database>> OpenSqlite(const std::filesystem::path& path,
                                             SqliteOptions options = {});

}  // namespace vigil::store
