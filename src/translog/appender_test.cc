#include "translog/appender.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <fstream>
#include <mutex>
#include <thread>

#include "testing/naive_merkle.h"
#include "testing/seeded_random.h"
#include "testing/test_paths.h"

namespace vigil::translog {
namespace {

constexpr char kOrigin[] = "test.example/log";

using vigil::testing::NaiveRoot;

Bytes EntryBytes(std::size_t i) { return ToBytes("entry number " + std::to_string(i)); }

class AppenderTest : public ::testing::Test {
 protected:
  SignerKey Key() {
    vigil::testing::SeededRandom random(5);
    return std::move(*GenerateSignerKey(kOrigin, random));
  }
  std::unique_ptr<Appender> OpenLog() {
    AppenderOptions options;
    options.dir = dir_.path();
    options.origin = kOrigin;
    options.checkpoint_interval = std::chrono::milliseconds(20);
    auto a = Appender::Open(options, Key());
    EXPECT_TRUE(a) << a.error().ToString();
    return a ? std::move(*a) : nullptr;
  }
  Checkpoint Published() {
    std::ifstream in(dir_.path() / "checkpoint");
    std::string note((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto opened = OpenCheckpoint(note, kOrigin, Key().verifier_key());
    EXPECT_TRUE(opened);
    return opened->checkpoint;
  }
  vigil::testing::TempDir dir_;
};

TEST_F(AppenderTest, AppendsConcurrentlyAndPublishesTheRfc6962Root) {
  ASSERT_TRUE(Appender::Init(dir_.path(), kOrigin, Key()));
  EXPECT_EQ(Appender::Init(dir_.path(), kOrigin, Key()).error().code, Errc::kAlreadyExists);
  auto log = OpenLog();
  ASSERT_TRUE(log);
  constexpr std::size_t kThreads = 8, kPerThread = 100;
  std::vector<std::thread> threads;
  std::vector<std::vector<std::uint64_t>> indices(kThreads);
  for (std::size_t t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (std::size_t i = 0; i < kPerThread; ++i) {
        auto index = log->Append(EntryBytes(t * kPerThread + i));
        ASSERT_TRUE(index);
        indices[t].push_back(*index);
      }
    });
  }
  for (auto& th : threads) th.join();
  ASSERT_TRUE(log->PublishNow());
  EXPECT_EQ(log->size(), kThreads * kPerThread);
  // Every index is used once, and the entry at an index is the one appended there.
  std::vector<Hash> leaves(kThreads * kPerThread);
  std::vector<bool> seen(leaves.size());
  for (std::size_t t = 0; t < kThreads; ++t) {
    for (std::size_t i = 0; i < kPerThread; ++i) {
      std::uint64_t index = indices[t][i];
      ASSERT_FALSE(seen[index]);
      seen[index] = true;
      leaves[index] = HashLeaf(EntryBytes(t * kPerThread + i));
    }
  }
  Checkpoint cp = Published();
  EXPECT_EQ(cp.size, leaves.size());
  EXPECT_EQ(cp.root_hash, NaiveRoot(leaves, 0, leaves.size()));
  // The tiles the spec requires for that size are there.
  EXPECT_TRUE(std::filesystem::exists(dir_.path() / "tile/0/000"));
  EXPECT_TRUE(std::filesystem::exists(dir_.path() / "tile/0/003.p/32"));
  EXPECT_TRUE(std::filesystem::exists(dir_.path() / "tile/1/000.p/3"));
  EXPECT_TRUE(std::filesystem::exists(dir_.path() / "tile/entries/003.p/32"));
}

TEST_F(AppenderTest, AppendThenHandsEachGroupCommitOnInLogOrder) {
  ASSERT_TRUE(Appender::Init(dir_.path(), kOrigin, Key()));
  auto log = OpenLog();
  ASSERT_TRUE(log);
  struct Call {
    std::uint64_t first;
    bool last_of_batch;
    std::thread::id thread;
  };
  std::mutex mu;
  std::condition_variable cv;
  std::vector<Call> calls;
  constexpr std::size_t kAppends = 400;
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (std::size_t i = 0; i < kAppends / 4; ++i) {
        // Two entries per append: the next append's index is two further on.
        std::vector<Bytes> two{EntryBytes(t * 1000 + 2 * i), EntryBytes(t * 1000 + 2 * i + 1)};
        log->AppendThen(std::move(two), [&](Result<std::uint64_t> first, bool last) {
          ASSERT_TRUE(first);
          std::lock_guard lock(mu);
          calls.push_back({*first, last, std::this_thread::get_id()});
          cv.notify_all();
        });
      }
    });
  }
  for (auto& th : threads) th.join();
  {
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return calls.size() == kAppends; });
  }
  // One call per append, on the sequencer thread, in log order; each group commit's calls end
  // with the one marked last, and the final call closes a group.
  for (std::size_t i = 0; i < calls.size(); ++i) {
    EXPECT_EQ(calls[i].first, 2 * i);
    EXPECT_NE(calls[i].thread, threads[0].get_id());
    EXPECT_EQ(calls[i].thread, calls[0].thread);
  }
  EXPECT_TRUE(calls.back().last_of_batch);
  EXPECT_EQ(log->size(), 2 * kAppends);

  // What Append would refuse is refused at once, on the caller's thread.
  bool called = false;
  log->AppendThen({}, [&](Result<std::uint64_t> first, bool last) {
    called = true;
    EXPECT_EQ(first.error().code, Errc::kInvalidArgument);
    EXPECT_TRUE(last);
  });
  EXPECT_TRUE(called);
  called = false;
  log->AppendThen({Bytes(70000)}, [&](Result<std::uint64_t> first, bool) {
    called = true;
    EXPECT_EQ(first.error().code, Errc::kInvalidArgument);
  });
  EXPECT_TRUE(called);
}

TEST_F(AppenderTest, PlacedComesBeforeThenForEachAppendInLogOrder) {
  ASSERT_TRUE(Appender::Init(dir_.path(), kOrigin, Key()));
  auto log = OpenLog();
  ASSERT_TRUE(log);
  struct Event {
    bool placed;  // else then
    std::uint64_t first;
    bool last_of_batch;
  };
  std::mutex mu;
  std::condition_variable cv;
  std::vector<Event> events;
  std::size_t answered = 0;
  constexpr std::size_t kAppends = 200;
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (std::size_t i = 0; i < kAppends / 4; ++i) {
        log->AppendThen(
            {EntryBytes(t * 1000 + i)},
            [&](Result<std::uint64_t> first, bool last) {
              ASSERT_TRUE(first);
              std::lock_guard lock(mu);
              events.push_back({false, *first, last});
              ++answered;
              cv.notify_all();
            },
            [&](std::uint64_t first, bool last) {
              std::lock_guard lock(mu);
              events.push_back({true, first, last});
            });
      }
    });
  }
  for (auto& th : threads) th.join();
  std::unique_lock lock(mu);
  cv.wait(lock, [&] { return answered == kAppends; });
  ASSERT_EQ(events.size(), 2 * kAppends);
  // Batch after batch: the placed calls of all its appends, in log order and the last one
  // marked, then its then calls the same way. So every append is placed before it is answered,
  // and the entries after a batch are placed only once that batch is durable.
  std::size_t e = 0;
  std::uint64_t next = 0;
  while (e < events.size()) {
    std::size_t begin = e;
    for (; e < events.size() && events[e].placed; ++e) {
      EXPECT_EQ(events[e].first, next + (e - begin));
      EXPECT_EQ(events[e].last_of_batch, e + 1 == events.size() || !events[e + 1].placed);
    }
    const std::size_t batch = e - begin;
    ASSERT_GT(batch, 0u);
    for (std::size_t k = 0; k < batch; ++k, ++e) {
      ASSERT_LT(e, events.size());
      EXPECT_FALSE(events[e].placed);
      EXPECT_EQ(events[e].first, next + k);
      EXPECT_EQ(events[e].last_of_batch, k + 1 == batch);
    }
    next += batch;
  }
  EXPECT_EQ(next, kAppends);
}

TEST_F(AppenderTest, PublishesWhenAppendsPauseAndAtTheIntervalUnderContinuousAppends) {
  ASSERT_TRUE(Appender::Init(dir_.path(), kOrigin, Key()));
  auto log = OpenLog();  // interval 20 ms
  ASSERT_TRUE(log);
  // One append, then nothing: a checkpoint follows without being asked for.
  ASSERT_TRUE(log->Append(EntryBytes(0)));
  for (int i = 0; i < 5000 && log->checkpoint_size() < 1; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  EXPECT_EQ(log->checkpoint_size(), 1u);
  // Appends that never pause: checkpoints still advance, at the interval.
  std::atomic<bool> stop = false;
  std::thread appender([&] {
    for (std::size_t i = 1; !stop; ++i) ASSERT_TRUE(log->Append(EntryBytes(i)));
  });
  std::uint64_t seen = log->checkpoint_size();
  int advanced = 0;
  for (int i = 0; i < 10000 && advanced < 3; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
    if (log->checkpoint_size() > seen) {
      seen = log->checkpoint_size();
      ++advanced;
    }
  }
  stop = true;
  appender.join();
  EXPECT_EQ(advanced, 3);
}

TEST_F(AppenderTest, OnlyOneAppenderHoldsALog) {
  ASSERT_TRUE(Appender::Init(dir_.path(), kOrigin, Key()));
  auto first = OpenLog();
  ASSERT_TRUE(first);
  AppenderOptions options;
  options.dir = dir_.path();
  options.origin = kOrigin;
  auto second = Appender::Open(options, Key());
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, Errc::kUnavailable);
  first.reset();
  EXPECT_TRUE(Appender::Open(options, Key()));
}

TEST_F(AppenderTest, ReopensAndContinuesTheSameTree) {
  ASSERT_TRUE(Appender::Init(dir_.path(), kOrigin, Key()));
  std::vector<Hash> leaves;
  for (int round = 0; round < 3; ++round) {
    auto log = OpenLog();
    ASSERT_TRUE(log);
    for (std::size_t i = 0; i < 300; ++i) {
      std::size_t n = leaves.size();
      ASSERT_EQ(*log->Append(EntryBytes(n)), n);
      leaves.push_back(HashLeaf(EntryBytes(n)));
    }
  }
  Checkpoint cp = Published();
  EXPECT_EQ(cp.size, 900u);
  EXPECT_EQ(cp.root_hash, NaiveRoot(leaves, 0, leaves.size()));
}

TEST_F(AppenderTest, RecoversEntriesSequencedAfterTheLastCheckpoint) {
  ASSERT_TRUE(Appender::Init(dir_.path(), kOrigin, Key()));
  std::vector<Hash> leaves;
  {
    auto log = OpenLog();
    for (std::size_t i = 0; i < 10; ++i) ASSERT_TRUE(log->Append(EntryBytes(i)));
  }
  for (std::size_t i = 0; i < 10; ++i) leaves.push_back(HashLeaf(EntryBytes(i)));
  // As if a crash came after a batch was durable but before its checkpoint: the bundle for
  // 10 + 5 entries is on disk, the checkpoint still says 10.
  Bytes bundle;
  for (std::size_t i = 0; i < 15; ++i) AppendToBundle(bundle, EntryBytes(i));
  {
    auto dir = LogDirectory::Open(dir_.path());
    LogDirectory::WriteGroup group(*dir);
    ASSERT_TRUE(group.Stage(EntryBundlePath(0, 15), bundle));
    ASSERT_TRUE(group.Commit());
  }
  EXPECT_EQ(Published().size, 10u);
  auto log = OpenLog();
  ASSERT_TRUE(log);
  EXPECT_EQ(log->size(), 15u);
  for (std::size_t i = 10; i < 15; ++i) leaves.push_back(HashLeaf(EntryBytes(i)));
  EXPECT_EQ(Published().size, 15u);
  EXPECT_EQ(Published().root_hash, NaiveRoot(leaves, 0, leaves.size()));
}

TEST_F(AppenderTest, RefusesAForeignKeyDamagedTilesAndOversizedEntries) {
  ASSERT_TRUE(Appender::Init(dir_.path(), kOrigin, Key()));
  {
    auto log = OpenLog();
    for (std::size_t i = 0; i < 20; ++i) ASSERT_TRUE(log->Append(EntryBytes(i)));
    EXPECT_EQ(log->Append(Bytes(70000)).error().code, Errc::kInvalidArgument);
  }
  vigil::testing::SeededRandom other_random(99);
  AppenderOptions options;
  options.dir = dir_.path();
  options.origin = kOrigin;
  auto foreign = Appender::Open(options, std::move(*GenerateSignerKey(kOrigin, other_random)));
  ASSERT_FALSE(foreign);
  EXPECT_EQ(foreign.error().code, Errc::kUnauthenticated);

  std::fstream tile(dir_.path() / "tile/0/000.p/20",
                    std::ios::in | std::ios::out | std::ios::binary);
  tile.seekp(100);
  tile.put('X');
  tile.close();
  auto damaged = Appender::Open(options, Key());
  ASSERT_FALSE(damaged);
  EXPECT_EQ(damaged.error().code, Errc::kFailedPrecondition);
}

}  // namespace
}  // namespace vigil::translog
