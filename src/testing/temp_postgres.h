// A throwaway PostgreSQL 15 server for tests: initdb and pg_ctl from the Debian packages in a
// temporary directory, on a Unix socket only, as the `postgres` user when the tests run as root.
// One server per test process, started on first use and removed at exit. No test needs a server
// running beforehand; a missing PostgreSQL installation fails loudly (make deps installs it).
#pragma once

#include <filesystem>
#include <string>

#include "base/error.h"

namespace vigil::testing {

class TempPostgres {
 public:
  // The process's server, started on first call. CHECK-fails with the reason when it cannot
  // start: tests must not silently skip the real database.
  static TempPostgres& Get();
  ~TempPostgres();

  // A libpq connection string for database `name`, created if it does not exist.
  std::string Database(const std::string& name);
  // Stops and starts the server (clients see their connections drop).
  void Restart();
  // The cluster's files (for tests that search them, such as the plaintext canary).
  std::filesystem::path data_dir() const { return dir_ / "data"; }

 private:
  TempPostgres();
  Status Run(const std::vector<std::string>& argv);
  std::string AdminConninfo() const;

  std::filesystem::path dir_;
  int port_ = 0;
  bool as_postgres_user_ = false;
};

}  // namespace vigil::testing
