// A log appender process for the crash test: appends entries from several threads, forever,
// and prints "<index> <entry>" for each one after Append returned (that is, once acknowledged).
// Usage: log_crash_writer DIR SEED. The log key is derived from a fixed seed.
#include <atomic>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "testing/seeded_random.h"
#include "translog/appender.h"

int main(int argc, char** argv) {
  if (argc != 3) return 2;
  vigil::testing::SeededRandom key_random(1234);
  auto key = vigil::translog::GenerateSignerKey("crash.example/log", key_random);
  vigil::translog::AppenderOptions options;
  options.dir = argv[1];
  options.origin = "crash.example/log";
  options.checkpoint_interval = std::chrono::milliseconds(5);
  auto appender = vigil::translog::Appender::Open(options, std::move(*key));
  if (!appender) {
    std::fprintf(stderr, "open: %s\n", appender.error().ToString().c_str());
    return 1;
  }
  std::string run = argv[2];
  std::mutex out_mu;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (std::uint64_t n = 0;; ++n) {
        // Every fourth append is a small batch, like a tool would send.
        std::size_t count = n % 4 == 3 ? 5 : 1;
        std::vector<vigil::Bytes> entries;
        std::vector<std::string> texts;
        for (std::size_t i = 0; i < count; ++i) {
          texts.push_back("run" + run + "-t" + std::to_string(t) + "-n" + std::to_string(n) + "-" +
                          std::to_string(i));
          entries.push_back(vigil::ToBytes(texts.back()));
        }
        auto first = (*appender)->Append(std::move(entries));
        if (!first) {
          std::fprintf(stderr, "append: %s\n", first.error().ToString().c_str());
          std::_Exit(1);
        }
        std::lock_guard lock(out_mu);
        for (std::size_t i = 0; i < count; ++i)
          std::printf("%llu %s\n", static_cast<unsigned long long>(*first + i), texts[i].c_str());
        std::fflush(stdout);
      }
    });
  }
  for (auto& th : threads) th.join();
}
