// A real vigild for integration tests: `vigil init` makes the instance in a temporary directory,
// the server runs as a child process on port 0, and the test talks HTTP to it.
#pragma once

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "base/check.h"
#include "http/client.h"
#include "testing/temp_postgres.h"
#include "testing/test_paths.h"

namespace vigil::testing {

class VigildProcess {
 public:
  // `database`: "sqlite" or a PostgreSQL URI.
  explicit VigildProcess(std::string database) : database_(std::move(database)) {
    std::string init = std::string(VIGIL_CLI) + " init " + (dir_.path() / "inst").string() +
                       " --origin it.example/vigil --listen 127.0.0.1:0 > " +
                       (dir_.path() / "init.txt").string();
    CHECK(std::system(init.c_str()) == 0);
    Start();
  }
  ~VigildProcess() { Kill(); }

  void Start() {
    std::string out = (dir_.path() / "out.txt").string();
    std::remove(out.c_str());
    pid_ = fork();
    CHECK(pid_ >= 0);
    if (pid_ == 0) {
      std::freopen(out.c_str(), "w", stdout);
      std::freopen((dir_.path() / "err.txt").string().c_str(), "a", stderr);
      std::string config = (dir_.path() / "inst" / "vigil.conf").string();
      std::string db = "database=" + database_;
      execl(VIGILD, VIGILD, "--config", config.c_str(), "--set", db.c_str(), nullptr);
      _exit(127);
    }
    for (int i = 0; i < 400 && port_ == 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
      std::ifstream in(out);
      std::string line;
      while (std::getline(in, line))
        if (auto colon = line.rfind(':'); line.find("listening") != std::string::npos)
          port_ = std::stoi(line.substr(colon + 1));
    }
    if (port_ == 0) std::fprintf(stderr, "vigild did not start:\n%s\n", server_log().c_str());
    CHECK(port_ != 0);
  }
  // Points the instance at another database, in its configuration file too (for `vigil
  // rebuild`, which reads it).
  void SetDatabase(const std::string& database) {
    database_ = database;
    std::filesystem::path conf = dir_.path() / "inst" / "vigil.conf";
    std::ifstream in(conf);
    std::string text, line;
    while (std::getline(in, line))
      text += (line.rfind("database = ", 0) == 0 ? "database = " + database : line) + "\n";
    in.close();
    std::ofstream(conf) << text;
  }
  void Kill() {
    if (pid_ <= 0) return;
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = 0;
    port_ = 0;
  }
  // SIGTERM, and the exit status.
  int Stop() {
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = 0;
    port_ = 0;
    return status;
  }

  http::GetResult Send(std::string method, const std::string& path, std::string body = "",
                       std::vector<std::pair<std::string, std::string>> headers = {}) {
    http::ClientRequest r{std::move(method), "http://127.0.0.1:" + std::to_string(port_) + path,
                          std::move(body), std::move(headers)};
    auto result = http::Send(r);
    if (!result)
      std::fprintf(stderr, "request failed: %s\nserver log:\n%s\n",
                   result.error().ToString().c_str(), server_log().c_str());
    CHECK(result);
    return *result;
  }

  std::filesystem::path data_dir() const { return dir_.path() / "inst"; }
  int port() const { return port_; }
  std::string verifier_key() const {
    std::ifstream in(dir_.path() / "init.txt");
    std::string line;
    while (std::getline(in, line))
      if (line.rfind("Log verifier key: ", 0) == 0) return line.substr(18);
    return "";
  }
  // The first administrator's invitation token, from the link `vigil init` printed.
  std::string invitation_token() const {
    std::ifstream in(dir_.path() / "init.txt");
    std::string line;
    while (std::getline(in, line))
      if (auto at = line.find("/join#"); at != std::string::npos) return line.substr(at + 6);
    return "";
  }
  std::string server_log() const {
    std::ifstream in(dir_.path() / "err.txt");
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

 private:
  std::string database_;
  TempDir dir_;
  pid_t pid_ = 0;
  int port_ = 0;
};

// The `database` setting for an engine: "sqlite", or a URI for a new database of the harness's
// PostgreSQL (which gives "host=H port=P user=U dbname=D").
inline std::string DatabaseFor(const std::string& engine, const std::string& name) {
  if (engine == "sqlite") return "sqlite";
  std::map<std::string, std::string> kv;
  std::istringstream in(TempPostgres::Get().Database(name));
  std::string word;
  while (in >> word)
    if (auto eq = word.find('='); eq != std::string::npos)
      kv[word.substr(0, eq)] = word.substr(eq + 1);
  return "postgresql://" + kv["user"] + "@/" + kv["dbname"] + "?host=" + kv["host"] +
         "&port=" + kv["port"];
}

// The stable error code of an error response, or "(no error document)".
inline std::string ErrorCode(const http::GetResult& r) {
  boost::system::error_code ec;
  auto v = boost::json::parse(r.body, ec);
  if (ec || !v.is_object() || !v.as_object().contains("error")) return "(no error document)";
  return std::string(v.at("error").at("code").as_string());
}

}  // namespace vigil::testing
