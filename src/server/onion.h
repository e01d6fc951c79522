// The instance's own Tor onion service, v3 (DESIGN.md section 6: an onion service is a
// first-class address). With `onion = true`, vigild runs Debian's tor as its child process for
// as long as it runs itself, with a torrc it writes under DATA_DIR/tor, and prints the service's
// address. The service's private key is tor's own file in DATA_DIR/tor/onion_service; vigil never
// reads or copies it. Operations: docs/operations/configuration.md ("Onion service").
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "base/error.h"
#include "server/config.h"

namespace vigil::server {

inline constexpr char kTorBinary[] = "/usr/bin/tor";

// Creates DATA_DIR/tor with mode 0700 (tor refuses a service directory others can read), as
// `vigil init --onion` does; an existing one gets that mode. Fails with kIo.
Status CreateOnionDirectory(const std::filesystem::path& data_dir);

// The torrc for a service at port 80 that forwards to vigild at `host`:`port`; a wildcard
// `host` ("0.0.0.0", "::" or empty) is reached on loopback. `owner` is vigild's process id:
// tor exits on its own if that process is gone. Fails with kInvalidArgument when `tor_dir`
// holds a newline (a torrc cannot name it).
Result<std::string> FormatTorrc(const std::filesystem::path& tor_dir, std::string_view host,
                                std::uint16_t port, pid_t owner);

// Checks the content of tor's `hostname` file: a v3 address, 56 base32 characters (a-z, 2-7)
// of which the last is 'd' (version 3), then ".onion", and at most one final newline. Returns
// the address without the newline; kMalformed otherwise.
Result<std::string> ParseOnionHostname(std::string_view text);

struct OnionOptions {
  std::filesystem::path tor_binary = kTorBinary;
  std::filesystem::path data_dir;  // the service lives in data_dir/tor
  std::string host;                // vigild's listen address
  std::uint16_t port = 0;          // vigild's bound port
  // Tor writes the hostname within a second of starting, network or not; this bounds a stuck
  // start.
  std::chrono::milliseconds start_timeout{30'000};
};

// A running tor child process. Not thread-safe; lives on the thread that started it (the child
// is told to stop if that thread ends).
class OnionService {
 public:
  // Writes DATA_DIR/tor/torrc, starts tor (its output goes to DATA_DIR/tor/tor.log), and waits
  // until tor has written the service's hostname, which it does at start-up, before it
  // reaches the network. Fails with kNotFound (no tor at `tor_binary`), kUnavailable (tor
  // exited, or wrote no hostname in time: the detail quotes tor's last warning), or kIo.
  static Result<std::unique_ptr<OnionService>> Start(const OnionOptions& options);

  // Stops tor: SIGTERM, then SIGKILL if it is still there after 10 seconds; waits for it.
  ~OnionService();
  OnionService(const OnionService&) = delete;
  OnionService& operator=(const OnionService&) = delete;

  // "<56 characters>.onion"
  const std::string& hostname() const { return hostname_; }
  pid_t pid() const { return pid_; }

 private:
  OnionService(pid_t pid, std::string hostname) : pid_(pid), hostname_(std::move(hostname)) {}
  pid_t pid_;
  std::string hostname_;
};

// vigild's one call: with `config.onion`, starts the service in front of the HTTP server bound
// to `port` and prints "vigild: onion service http://<hostname>" on standard output; without,
// returns null. Errors as OnionService::Start.
Result<std::unique_ptr<OnionService>> StartConfiguredOnionService(const Config& config,
                                                                  std::uint16_t port);

}  // namespace vigil::server
