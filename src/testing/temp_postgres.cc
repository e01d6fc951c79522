#include "testing/temp_postgres.h"

#include <fcntl.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <pwd.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <memory>
#include <vector>

#include "base/check.h"

extern char** environ;

namespace vigil::testing {
namespace {

constexpr char kBin[] = "/usr/lib/postgresql/15/bin/";

int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  CHECK(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

}  // namespace

TempPostgres& TempPostgres::Get() {
  static TempPostgres* instance = new TempPostgres();
  static struct Cleanup {
    ~Cleanup() { delete instance; }
  } cleanup;
  return *instance;
}

Status TempPostgres::Run(const std::vector<std::string>& args) {
  std::vector<std::string> argv;
  if (as_postgres_user_) argv = {"/usr/sbin/runuser", "-u", "postgres", "--"};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<char*> cargv;
  for (auto& a : argv) cargv.push_back(a.data());
  cargv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  std::string log = (dir_ / "commands.log").string();
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0666);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  pid_t pid = 0;
  int rc = posix_spawn(&pid, cargv[0], &actions, nullptr, cargv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0)
    return MakeError(Errc::kUnavailable,
                     std::string("cannot run ") + cargv[0] + ": " + std::strerror(rc));
  int status = 0;
  waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    return MakeError(Errc::kUnavailable, argv[as_postgres_user_ ? 4 : 0] + " failed; see " + log);
  return OkStatus();
}

TempPostgres::TempPostgres() {
  CHECK_MSG(access((std::string(kBin) + "initdb").c_str(), X_OK) == 0,
            "PostgreSQL 15 is not installed (make deps installs the postgresql package)");
  std::string pattern = (std::filesystem::temp_directory_path() / "vigil-pg-XXXXXX").string();
  CHECK(mkdtemp(pattern.data()) != nullptr);
  dir_ = pattern;
  as_postgres_user_ = getuid() == 0;
  if (as_postgres_user_) {
    // initdb refuses to run as root: hand the directory to the postgres user.
    passwd* pw = getpwnam("postgres");
    CHECK_MSG(pw != nullptr, "no postgres user (make deps installs the postgresql package)");
    CHECK(chown(dir_.c_str(), pw->pw_uid, pw->pw_gid) == 0);
  }
  port_ = FreePort();
  Status s = Run({std::string(kBin) + "initdb", "-D", (dir_ / "data").string(), "-A", "trust", "-U",
                  "vigil", "-E", "UTF8", "--no-sync"});
  CHECK_MSG(s, s ? "" : s.error().detail.c_str());
  Restart();
}

void TempPostgres::Restart() {
  (void)Run(
      {std::string(kBin) + "pg_ctl", "-D", (dir_ / "data").string(), "-m", "fast", "-w", "stop"});
  // Unix socket only, in our own directory: nothing listens on the network.
  std::string opts = "-p " + std::to_string(port_) + " -k " + dir_.string() +
                     " -c listen_addresses='' -c fsync=off -c max_connections=200";
  Status s = Run({std::string(kBin) + "pg_ctl", "-D", (dir_ / "data").string(), "-l",
                  (dir_ / "server.log").string(), "-o", opts, "-w", "start"});
  CHECK_MSG(s, s ? "" : s.error().detail.c_str());
}

TempPostgres::~TempPostgres() {
  (void)Run({std::string(kBin) + "pg_ctl", "-D", (dir_ / "data").string(), "-m", "immediate", "-w",
             "stop"});
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

std::string TempPostgres::AdminConninfo() const {
  return "host=" + dir_.string() + " port=" + std::to_string(port_) + " user=vigil dbname=postgres";
}

std::string TempPostgres::Database(const std::string& name) {
  std::unique_ptr<PGconn, void (*)(PGconn*)> conn(PQconnectdb(AdminConninfo().c_str()), PQfinish);
  CHECK_MSG(PQstatus(conn.get()) == CONNECTION_OK, PQerrorMessage(conn.get()));
  std::string check = "SELECT 1 FROM pg_database WHERE datname = '" + name + "'";
  PGresult* res = PQexec(conn.get(), check.c_str());
  bool exists = PQntuples(res) > 0;
  PQclear(res);
  if (!exists) {
    res = PQexec(conn.get(), ("CREATE DATABASE \"" + name + "\"").c_str());
    CHECK_MSG(PQresultStatus(res) == PGRES_COMMAND_OK, PQresultErrorMessage(res));
    PQclear(res);
  }
  return "host=" + dir_.string() + " port=" + std::to_string(port_) + " user=vigil dbname=" + name;
}

}  // namespace vigil::testing
