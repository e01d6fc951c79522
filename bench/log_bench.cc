// Transparency log figures for `make bench` (issue 4), each against a baseline measured here:
//  1. append throughput for N entries of 256 bytes with durable tiles (default 1M; target
//     >= 100,000 entries/s), from tools appending batches and from many single-entry clients;
//  2. checkpoint latency under continuous appends (target <= 1 s), p50/p99/max;
//  3. a full audit (vigil log verify) of M entries (default 10M), as a ratio of this machine's
//     raw SHA-256 speed over the same bytes.
// Usage: log_bench WORK_DIR [append_entries] [verify_entries]
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <thread>
#include <vector>

#include "crypto/sha256.h"
#include "testing/seeded_random.h"
#include "translog/appender.h"
#include "translog/audit.h"

using namespace vigil;
using Steady = std::chrono::steady_clock;

namespace {

translog::SignerKey Key() {
  testing::SeededRandom r(77);
  return std::move(*translog::GenerateSignerKey("bench.example/log", r));
}

std::unique_ptr<translog::Appender> Fresh(const std::filesystem::path& dir) {
  std::filesystem::remove_all(dir);
  if (!translog::Appender::Init(dir, "bench.example/log", Key())) std::abort();
  translog::AppenderOptions options;
  options.dir = dir;
  options.origin = "bench.example/log";
  auto a = translog::Appender::Open(options, Key());
  if (!a) std::abort();
  return std::move(*a);
}

Bytes Entry(std::uint64_t i, std::size_t size) {
  Bytes e(size, static_cast<std::uint8_t>(i));
  for (std::size_t b = 0; b < 8 && b < size; ++b) e[b] = static_cast<std::uint8_t>(i >> (8 * b));
  return e;
}

constexpr std::size_t kVerifyEntrySize = 78;  // a Vigil log entry (docs/formats/entries.md)

double Seconds(Steady::duration d) { return std::chrono::duration<double>(d).count(); }

// Appends `total` entries from `clients` threads, `per_call` entries per Append call, sampling
// (time, sequenced size, checkpoint size) every 2 ms for the latency figures.
struct AppendRun {
  double seconds;
  std::vector<double> checkpoint_latencies;
};

AppendRun RunAppends(translog::Appender& log, std::uint64_t total, std::size_t clients,
                     std::size_t per_call, std::size_t entry_size) {
  std::atomic<std::uint64_t> next{0};
  std::atomic<bool> done{false};
  struct Sample {
    Steady::time_point t;
    std::uint64_t sequenced, published;
  };
  std::vector<Sample> samples;
  std::thread sampler([&] {
    while (!done) {
      samples.push_back({Steady::now(), log.size(), log.checkpoint_size()});
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  });
  auto start = Steady::now();
  std::vector<std::thread> threads;
  for (std::size_t c = 0; c < clients; ++c) {
    threads.emplace_back([&] {
      while (true) {
        std::uint64_t first = next.fetch_add(per_call);
        if (first >= total) return;
        std::vector<Bytes> batch;
        for (std::uint64_t i = first; i < std::min(total, first + per_call); ++i)
          batch.push_back(Entry(i, entry_size));
        if (!log.Append(std::move(batch))) std::abort();
      }
    });
  }
  for (auto& t : threads) t.join();
  AppendRun run{Seconds(Steady::now() - start), {}};
  if (!log.PublishNow()) std::abort();
  done = true;
  sampler.join();
  // For each moment entries were sequenced, the time until a checkpoint covered them.
  for (std::size_t i = 0; i < samples.size(); ++i) {
    if (samples[i].sequenced == 0 || samples[i].sequenced >= total) continue;
    for (std::size_t j = i; j < samples.size(); ++j) {
      if (samples[j].published >= samples[i].sequenced) {
        run.checkpoint_latencies.push_back(Seconds(samples[j].t - samples[i].t));
        break;
      }
    }
  }
  std::sort(run.checkpoint_latencies.begin(), run.checkpoint_latencies.end());
  return run;
}

double Percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  return sorted[std::min(sorted.size() - 1,
                         static_cast<std::size_t>(p * static_cast<double>(sorted.size())))];
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  std::filesystem::path work = argv[1];
  std::uint64_t append_total = argc > 2 ? std::stoull(argv[2]) : 1'000'000;
  std::uint64_t verify_total = argc > 3 ? std::stoull(argv[3]) : 10'000'000;

  std::printf("== transparency log (bench/log_bench.cc), %u cores\n",
              std::thread::hardware_concurrency());
  {
    auto log = Fresh(work / "append-bulk");
    AppendRun run = RunAppends(*log, append_total, 8, 512, 256);
    std::printf(
        "append, 8 tools x 512-entry calls: %llu x 256 B in %.2f s = %.0f entries/s (target >= "
        "100000)\n",
        static_cast<unsigned long long>(append_total), run.seconds,
        static_cast<double>(append_total) / run.seconds);
    std::printf(
        "checkpoint latency under continuous appends: p50 %.0f ms, p99 %.0f ms, max %.0f ms "
        "(target <= 1000)\n",
        1000 * Percentile(run.checkpoint_latencies, 0.5),
        1000 * Percentile(run.checkpoint_latencies, 0.99),
        1000 * (run.checkpoint_latencies.empty() ? 0 : run.checkpoint_latencies.back()));
  }
  {
    std::uint64_t n = append_total / 10;
    auto log = Fresh(work / "append-single");
    AppendRun run = RunAppends(*log, n, 64, 1, 256);
    std::printf(
        "append, 64 clients x single entries: %llu in %.2f s = %.0f entries/s (server-like, group "
        "commit)\n",
        static_cast<unsigned long long>(n), run.seconds, static_cast<double>(n) / run.seconds);
  }
  {
    std::filesystem::path dir = work / "verify";
    {
      auto log = Fresh(dir);
      RunAppends(*log, verify_total, 4, 8192, kVerifyEntrySize);
    }
    auto log_dir = std::make_shared<translog::LogDirectory>(*translog::LogDirectory::Open(dir));
    translog::Fetch fetch = [log_dir](const std::string& path) { return log_dir->Read(path); };
    translog::AuditOptions options;
    options.log_key = Key().verifier_key();
    auto start = Steady::now();
    auto report = translog::AuditLog(fetch, options);
    double audit_s = Seconds(Steady::now() - start);
    if (!report) {
      std::printf("verify failed: %s\n", report.error().ToString().c_str());
      return 1;
    }
    // Baselines: raw SHA-256 over the same number of bytes the audit must hash at least (each
    // entry with its leaf prefix and one 65-byte interior node per entry), first as one long
    // stream, then as the same short messages one by one (what hashing a tree costs at best).
    const double hashed_bytes = static_cast<double>(verify_total) * (1 + kVerifyEntrySize + 65);
    Bytes buffer(64 << 20, 0x5a);
    auto sha_start = Steady::now();
    double done = 0;
    while (done < hashed_bytes) {
      (void)crypto::Sha256(buffer);
      done += static_cast<double>(buffer.size());
    }
    double stream_s = Seconds(Steady::now() - sha_start) * hashed_bytes / done;
    Bytes leaf(1 + kVerifyEntrySize, 1), node(65, 2);
    auto msg_start = Steady::now();
    crypto::Sha256Digest sink{};
    for (std::uint64_t i = 0; i < verify_total; ++i) {
      leaf[1] = static_cast<std::uint8_t>(i);
      sink[i % 32] ^= static_cast<std::uint8_t>(crypto::Sha256(leaf)[0] ^ crypto::Sha256(node)[0]);
    }
    double messages_s = Seconds(Steady::now() - msg_start);
    std::printf("verify %llu entries of %zu B: %.2f s = %.0f entries/s\n",
                static_cast<unsigned long long>(verify_total), kVerifyEntrySize, audit_s,
                static_cast<double>(verify_total) / audit_s);
    std::printf(
        "  raw SHA-256 baselines for the same %.0f MB: as one stream %.2f s (verify at %.0f%% of "
        "it); "
        "as the same short messages %.2f s (verify at %.0f%% of it)%s\n",
        hashed_bytes / 1e6, stream_s, 100 * stream_s / audit_s, messages_s,
        100 * messages_s / audit_s, sink[0] == 0xff ? " " : "");
  }
  std::filesystem::remove_all(work);
}
