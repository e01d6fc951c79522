// Kills a real appender process with SIGKILL at random moments, many times, and checks that
// the log always restarts consistent with every checkpoint it ever published, and holds every
// entry whose append was acknowledged, at its acknowledged index (issue: crash safety).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <random>

#include "testing/seeded_random.h"
#include "testing/test_paths.h"
#include "translog/appender.h"
#include "translog/audit.h"

namespace vigil::translog {
namespace {

struct Child {
  pid_t pid;
  int out;
};

Child Spawn(const std::filesystem::path& dir, int round) {
  int fds[2];
  EXPECT_EQ(pipe(fds), 0);
  pid_t pid = fork();
  if (pid == 0) {
    dup2(fds[1], 1);
    close(fds[0]);
    close(fds[1]);
    std::string r = std::to_string(round);
    execl(VIGIL_CRASH_WRITER, VIGIL_CRASH_WRITER, dir.c_str(), r.c_str(), nullptr);
    _exit(127);
  }
  close(fds[1]);
  fcntl(fds[0], F_SETFL, O_NONBLOCK);
  return {pid, fds[0]};
}

// Reads what is available; complete lines go to `acked`.
void Drain(int fd, std::string& buffer, std::map<std::uint64_t, std::string>& acked,
           int timeout_ms) {
  pollfd p{fd, POLLIN, 0};
  if (poll(&p, 1, timeout_ms) <= 0) return;
  char buf[65536];
  while (true) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) break;
    buffer.append(buf, static_cast<std::size_t>(n));
  }
  std::size_t nl;
  while ((nl = buffer.find('\n')) != std::string::npos) {
    std::string line = buffer.substr(0, nl);
    buffer.erase(0, nl + 1);
    std::size_t sp = line.find(' ');
    std::uint64_t index = std::stoull(line.substr(0, sp));
    EXPECT_EQ(acked.count(index), 0u) << "index acknowledged twice: " << index;
    acked[index] = line.substr(sp + 1);
  }
}

std::string ReadFile(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

TEST(LogCrash, SurvivesRepeatedKillNine) {
  vigil::testing::TempDir dir;
  vigil::testing::SeededRandom key_random(1234);
  auto key = GenerateSignerKey("crash.example/log", key_random);
  ASSERT_TRUE(key);
  const VerifierKey verifier = key->verifier_key();
  ASSERT_TRUE(Appender::Init(dir.path(), "crash.example/log", *key));

  std::mt19937 rng(static_cast<unsigned>(::testing::UnitTest::GetInstance()->random_seed()));
  std::map<std::uint64_t, std::string> acked;
  std::vector<std::string> checkpoints;  // every checkpoint seen, in order
  constexpr int kRounds = 25;
  for (int round = 0; round < kRounds; ++round) {
    Child child = Spawn(dir.path(), round);
    std::string buffer;
    int lifetime_ms = 20 + static_cast<int>(rng() % 300);
    auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(lifetime_ms);
    while (std::chrono::steady_clock::now() < until) {
      Drain(child.out, buffer, acked, 5);
      if (rng() % 8 == 0) checkpoints.push_back(ReadFile(dir.path() / "checkpoint"));
    }
    kill(child.pid, SIGKILL);
    int status = 0;
    waitpid(child.pid, &status, 0);
    ASSERT_TRUE(WIFSIGNALED(status)) << "the writer stopped on its own in round " << round;
    Drain(child.out, buffer, acked, 0);
    close(child.out);
    checkpoints.push_back(ReadFile(dir.path() / "checkpoint"));
  }
  ASSERT_GT(acked.size(), 100u) << "the writer acknowledged too little to test anything";

  // One more clean open: recovery publishes everything sequenced.
  {
    AppenderOptions options;
    options.dir = dir.path();
    options.origin = "crash.example/log";
    auto reopened = Appender::Open(options, std::move(*key));
    ASSERT_TRUE(reopened) << reopened.error().ToString();
  }
  auto log_dir = std::make_shared<LogDirectory>(*LogDirectory::Open(dir.path()));
  Fetch fetch = [log_dir](const std::string& path) { return log_dir->Read(path); };
  auto final_cp = FetchCheckpoint(fetch, verifier);
  ASSERT_TRUE(final_cp);
  // Every acknowledged entry is at its index.
  TileReader reader(fetch, final_cp->checkpoint.size);
  for (const auto& [index, text] : acked) {
    ASSERT_LT(index, final_cp->checkpoint.size) << "acknowledged entry lost: " << text;
    auto entry = reader.Entry(index);
    ASSERT_TRUE(entry);
    ASSERT_EQ(ToString(*entry), text) << "index " << index;
  }
  // The final log extends every checkpoint ever published.
  std::sort(checkpoints.begin(), checkpoints.end());
  checkpoints.erase(std::unique(checkpoints.begin(), checkpoints.end()), checkpoints.end());
  for (const std::string& cp : checkpoints) {
    if (cp.empty()) continue;
    AuditOptions options;
    options.log_key = verifier;
    options.since = cp;
    auto report = AuditLog(fetch, options);
    ASSERT_TRUE(report) << report.error().ToString();
  }
  std::printf(
      "crash test: %d kills, %zu acknowledged entries, %zu checkpoints checked, final size %llu\n",
      kRounds, acked.size(), checkpoints.size(),
      static_cast<unsigned long long>(final_cp->checkpoint.size));
}

}  // namespace
}  // namespace vigil::translog
