// The PostgreSQL engine (libpq): a small connection pool, each Write its own transaction
// (PostgreSQL's own group commit shares WAL flushes); one more connection for the writer thread,
// which commits queued writes (WriteAsync: the ledger's index updates) in groups, as SQLite's
// writer does; reconnection after the server went away.
#pragma once

#include <string>

#include "store/database.h"

namespace vigil::store {

struct PostgresOptions {
  // Writes run one transaction per connection at once; PostgreSQL's group commit then shares
  // WAL flushes among them. Four gave 1,418 reports/s on the benchmark, sixteen 1,736/s, and
  // thirty-two no more (bench/reports_bench.sh, 2 cores, CPU-bound).
  std::size_t connections = 16;
};

// Connects with a libpq connection string or URI and applies migrations (serialised across
// servers by an advisory lock). Fails with kUnavailable when the server cannot be reached,
// kFailedPrecondition when the database has a newer schema than this build.
Result<std::unique_ptr<Database>> OpenPostgres(const std::string& conninfo,
                                               PostgresOptions options = {});

// "… ? … ?" to "… $1 … $2", leaving quoted text alone.
std::string NumberPlaceholders(std::string_view sql);

}  // namespace vigil::store
