#include "server/onion.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

namespace vigil::server {
namespace {

namespace fs = std::filesystem;

Error IoError(const std::string& what, const fs::path& path) {
  return MakeError(Errc::kIo, what + " " + path.string() + ": " + std::strerror(errno));
}

// A torrc value in double quotes, which tor reads with C escapes: paths may hold spaces.
std::string Quoted(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out + "\"";
}

// The first warning or error tor logged in this run (from `offset` of its log), to say why it
// stopped: later lines only say that the configuration failed.
std::string FirstComplaint(const fs::path& log, std::streamoff offset) {
  std::ifstream in(log);
  in.seekg(offset);
  std::string line;
  while (std::getline(in, line)) {
    if (line.find("[warn]") == std::string::npos && line.find("[err]") == std::string::npos)
      continue;
    if (line.find("running Tor as root") != std::string::npos) continue;
    std::size_t bracket = line.find("] ");
    return bracket == std::string::npos ? line : line.substr(bracket + 2);
  }
  return "";
}

std::string DescribeExit(int status) {
  if (WIFEXITED(status)) return "exit status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return "signal " + std::to_string(WTERMSIG(status));
  return "status " + std::to_string(status);
}

// Reaps `pid` if it has exited; true then, with its status.
bool Exited(pid_t pid, int& status) {
  pid_t r;
  do {
    r = ::waitpid(pid, &status, WNOHANG);
  } while (r < 0 && errno == EINTR);
  return r == pid || (r < 0 && errno == ECHILD);
}

// Stops a child: SIGTERM, up to `grace` to exit, then SIGKILL.
void Stop(pid_t pid, std::chrono::milliseconds grace) {
  int status = 0;
  if (Exited(pid, status)) return;
  ::kill(pid, SIGTERM);
  auto deadline = std::chrono::steady_clock::now() + grace;
  while (std::chrono::steady_clock::now() < deadline) {
    if (Exited(pid, status)) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ::kill(pid, SIGKILL);
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
}

// Starts `argv` as a child in its own process group (a Ctrl-C at vigild's terminal reaches
// vigild, which then stops tor in order), with no signal blocked or ignored, standard input
// from /dev/null, standard output and error to `log_fd`, and no other descriptor of vigild.
// Between fork and exec the child calls only async-signal-safe functions.
Result<pid_t> Spawn(const std::vector<std::string>& args, int log_fd) {
  std::vector<char*> argv;
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (null_fd < 0) return IoError("cannot open", "/dev/null");
  sigset_t none;
  sigemptyset(&none);
  const pid_t parent = ::getpid();
  pid_t pid = ::fork();
  if (pid < 0) {
    ::close(null_fd);
    return MakeError(Errc::kIo, std::string("cannot fork: ") + std::strerror(errno));
  }
  if (pid == 0) {
    ::setpgid(0, 0);
    // Tor stops if vigild dies without stopping it (SIGKILL, a crash).
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != parent) ::_exit(1);
    struct sigaction dfl {};
    dfl.sa_handler = SIG_DFL;
    for (int s : {SIGPIPE, SIGTERM, SIGINT, SIGHUP}) ::sigaction(s, &dfl, nullptr);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    if (::dup2(null_fd, 0) < 0 || ::dup2(log_fd, 1) < 0 || ::dup2(log_fd, 2) < 0) ::_exit(126);
    ::close_range(3, ~0U, 0);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(null_fd);
  return pid;
}

}  // namespace

Status CreateOnionDirectory(const fs::path& data_dir) {
  fs::path dir = data_dir / "tor";
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) return IoError("cannot create", dir);
  // Security: the service's private key will live below: the service user alone reads it.
  if (::chmod(dir.c_str(), 0700) != 0) return IoError("cannot set the mode of", dir);
  return OkStatus();
}

Result<std::string> FormatTorrc(const fs::path& tor_dir, std::string_view host, std::uint16_t port,
                                pid_t owner) {
  std::string dir = tor_dir.string();
  if (dir.find('\n') != std::string::npos || dir.find('\r') != std::string::npos)
    return MakeError(Errc::kInvalidArgument, "a torrc cannot name a path with a line break");
  std::string target;
  if (host.empty() || host == "0.0.0.0") {
    target = "127.0.0.1";
  } else if (host == "::") {
    target = "[::1]";
  } else if (host.find(':') != std::string_view::npos) {
    target = "[" + std::string(host) + "]";
  } else {
    target = std::string(host);
  }
  std::string out;
  out += "# Written by vigild at each start (vigil.conf: onion = true); edits here are lost.\n";
  out += "# See docs/operations/configuration.md, \"Onion service\".\n";
  out += "DataDirectory " + Quoted(dir + "/data") + "\n";
  out += "# The service's keys and its hostname file; back the keys up yourself.\n";
  out += "HiddenServiceDir " + Quoted(dir + "/onion_service") + "\n";
  out += "HiddenServicePort 80 " + target + ":" + std::to_string(port) + "\n";
  out += "# This tor only publishes the service: no SOCKS proxy, no control port.\n";
  out += "SocksPort 0\n";
  out += "ControlPort 0\n";
  out += "# Notices go to tor's standard output, which vigild sends to tor.log here.\n";
  out += "Log notice stdout\n";
  out += "# Tor exits by itself if vigild is gone.\n";
  out += "__OwningControllerProcess " + std::to_string(owner) + "\n";
  return out;
}

Result<std::string> ParseOnionHostname(std::string_view text) {
  constexpr std::string_view kSuffix = ".onion";
  if (text.ends_with('\n')) text.remove_suffix(1);
  auto bad = [] { return MakeError(Errc::kMalformed, "not a v3 onion hostname"); };
  if (text.size() != 56 + kSuffix.size() || !text.ends_with(kSuffix)) return bad();
  std::string_view name = text.substr(0, 56);
  if (!std::all_of(name.begin(), name.end(),
                   [](char c) { return (c >= 'a' && c <= 'z') || (c >= '2' && c <= '7'); }))
    return bad();
  // The 35 encoded bytes end with the version byte 0x03, whose low five bits are the last
  // character: 00011, 'd'.
  if (name.back() != 'd') return bad();
  return std::string(text);
}

Result<std::unique_ptr<OnionService>> OnionService::Start(const OnionOptions& options) {
  if (::access(options.tor_binary.c_str(), X_OK) != 0)
    return MakeError(Errc::kNotFound, "tor is not installed at " + options.tor_binary.string() +
                                          " (Debian: apt-get install tor)");
  fs::path dir = options.data_dir / "tor";
  VIGIL_RETURN_IF_ERROR(CreateOnionDirectory(options.data_dir));
  VIGIL_ASSIGN_OR_RETURN(std::string torrc,
                         FormatTorrc(dir, options.host, options.port, ::getpid()));
  fs::path torrc_path = dir / "torrc";
  {
    std::ofstream out(torrc_path, std::ios::trunc);
    out << torrc;
    if (!out.flush()) return IoError("cannot write", torrc_path);
  }
  // Tor writes the hostname again at every start: the one we wait for is this run's.
  fs::path hostname_path = dir / "onion_service" / "hostname";
  if (::unlink(hostname_path.c_str()) != 0 && errno != ENOENT && errno != ENOTDIR)
    return IoError("cannot remove", hostname_path);
  fs::path log_path = dir / "tor.log";
  int log_fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (log_fd < 0) return IoError("cannot open", log_path);
  const std::streamoff log_start = ::lseek(log_fd, 0, SEEK_END);
  // No defaults file: only the torrc above configures this tor.
  auto pid = Spawn(
      {options.tor_binary.string(), "-f", torrc_path.string(), "--defaults-torrc", "/dev/null"},
      log_fd);
  ::close(log_fd);
  if (!pid) return pid.error();
  std::unique_ptr<OnionService> service(new OnionService(*pid, ""));

  auto deadline = std::chrono::steady_clock::now() + options.start_timeout;
  while (true) {
    int status = 0;
    if (Exited(*pid, status)) {
      service->pid_ = -1;
      std::string why = FirstComplaint(log_path, log_start);
      return MakeError(Errc::kUnavailable, "tor stopped at start-up (" + DescribeExit(status) +
                                               (why.empty() ? "" : ": " + why) + "; see " +
                                               log_path.string() + ")");
    }
    std::ifstream in(hostname_path);
    if (in) {
      std::stringstream text;
      text << in.rdbuf();
      if (auto hostname = ParseOnionHostname(text.str())) {
        service->hostname_ = *hostname;
        return service;
      }
    }
    if (std::chrono::steady_clock::now() >= deadline)
      return MakeError(Errc::kUnavailable, "tor wrote no onion hostname within " +
                                               std::to_string(options.start_timeout.count()) +
                                               " ms (see " + log_path.string() + ")");
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

OnionService::~OnionService() {
  if (pid_ > 0) Stop(pid_, std::chrono::seconds(10));
}

Result<std::unique_ptr<OnionService>> StartConfiguredOnionService(const Config& config,
                                                                  std::uint16_t port) {
  if (!config.onion) return std::unique_ptr<OnionService>();
  OnionOptions options;
  options.data_dir = config.data_dir;
  options.host = config.listen_address;
  options.port = port;
  VIGIL_ASSIGN_OR_RETURN(auto service, OnionService::Start(options));
  std::printf("vigild: onion service http://%s\n", service->hostname().c_str());
  std::fflush(stdout);
  return service;
}

}  // namespace vigil::server
