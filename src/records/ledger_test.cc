#include "records/ledger.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include "testing/test_instance.h"
#include "testing/value_of.h"

namespace vigil::records {
namespace {

using testing::Engine;
using testing::TestInstance;
using translog::EntryType;

constexpr auto kSqlite = Engine::kSqlite;
constexpr auto kPostgres = Engine::kPostgres;

translog::ObjectId IdOf(std::uint8_t n) {
  translog::ObjectId id{};
  id[15] = n;
  return id;
}

// A settings-like record type that the test indexes into the v1 `objects` table.
void RegisterTestApplier(Ledger& ledger) {
  ledger.Register(
      EntryType::kSettings,
      [](store::Transaction& t, const Applied& a) -> Status {
        VIGIL_ASSIGN_OR_RETURN(std::string_view value, a.record->One("value"));
        return t.Execute(
            "INSERT INTO objects (id, kind, sha256, size, log_index, created_hour) VALUES (?, ?, "
            "?, ?, ?, ?)",
            {IdText(a.entry.object_id), std::string(value), Bytes(a.record->payload),
             static_cast<std::int64_t>(a.payload_offset), static_cast<std::int64_t>(a.index),
             static_cast<std::int64_t>(a.entry.hour)});
      },
      /*has_record=*/true);
}

Change SettingChange(std::uint8_t n, std::string value) {
  Change c;
  c.type = EntryType::kSettings;
  c.id = IdOf(n);
  c.blob = RecordBuilder("settings").Add("value", value).Finish(ToBytes("payload"));
  return c;
}

// Rows of `objects` as "id kind payload offset index", in log order.
std::vector<std::string> Objects(store::Database& db) {
  std::vector<std::string> out;
  EXPECT_TRUE(db.Read([&](store::Transaction& t) -> Status {
    VIGIL_ASSIGN_OR_RETURN(auto rows, t.Query("SELECT id, kind, sha256, size, log_index FROM "
                                              "objects ORDER BY log_index"));
    for (const auto& r : rows) {
      const Bytes& payload = std::get<Bytes>(r[2]);
      out.push_back(std::get<std::string>(r[0]).substr(28) + " " + std::get<std::string>(r[1]) +
                    " " + std::string(payload.begin(), payload.end()) + " " +
                    std::to_string(std::get<std::int64_t>(r[3])) + " " +
                    std::to_string(std::get<std::int64_t>(r[4])));
    }
    return OkStatus();
  }));
  return out;
}

std::int64_t LogEntryRows(store::Database& db) {
  std::int64_t n = -1;
  EXPECT_TRUE(db.Read([&](store::Transaction& t) -> Status {
    VIGIL_ASSIGN_OR_RETURN(auto rows, t.Query("SELECT COUNT(*) FROM log_entries"));
    n = std::get<std::int64_t>(rows.at(0).at(0));
    return OkStatus();
  }));
  return n;
}

class LedgerTest : public ::testing::TestWithParam<Engine> {
 protected:
  LedgerTest() : instance_(GetParam()) { RegisterTestApplier(instance_.ledger()); }
  TestInstance instance_;
};

TEST_P(LedgerTest, CommitStoresSequencesAndIndexes) {
  Ledger& ledger = instance_.ledger();
  auto first = ledger.Commit({SettingChange(1, "one")});
  ASSERT_TRUE(first) << first.error().ToString();
  EXPECT_EQ(first->first_index, 0u);
  auto second = ledger.Commit({SettingChange(2, "two"), SettingChange(3, "three")});
  ASSERT_TRUE(second) << second.error().ToString();
  EXPECT_EQ(second->first_index, 1u);
  ASSERT_EQ(second->entries.size(), 2u);
  EXPECT_TRUE(instance_.blobs().Exists(second->entries[1].blob_sha256));
  EXPECT_EQ(instance_.log().size(), 3u);
  // The payload offset is the length of the header: magic, type, value and the empty line.
  EXPECT_EQ(Objects(instance_.db()),
            (std::vector<std::string>{"0001 one payload 41 0", "0002 two payload 41 1",
                                      "0003 three payload 43 2"}));
  EXPECT_EQ(LogEntryRows(instance_.db()), 3);
}

TEST_P(LedgerTest, RefusesAnUnparsableRecordBeforeStoringAnything) {
  Change bad = SettingChange(1, "one");
  bad.blob = ToBytes("not a record");
  auto result = instance_.ledger().Commit({SettingChange(2, "fine"), bad});
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, Errc::kInvalidArgument);
  EXPECT_EQ(instance_.log().size(), 0u);
  EXPECT_TRUE(Objects(instance_.db()).empty());
}

TEST_P(LedgerTest, ConcurrentCommitsAreAllIndexedAndAFailingOneRollsBackAlone) {
  // 24 commits of distinct objects and 4 more of object 1: the applier refuses a second row
  // for an object, so the one of those 5 that the log sequenced first wins. Commits that the log
  // made durable together share a database transaction; the losers roll back alone.
  constexpr int kDistinct = 24, kRepeats = 4;
  std::vector<Result<CommitResult>> results(kDistinct + kRepeats, Error{});
  std::vector<std::thread> threads;
  for (int i = 0; i < kDistinct + kRepeats; ++i) {
    threads.emplace_back([&, i] {
      auto n = static_cast<std::uint8_t>(i < kDistinct ? i + 1 : 1);
      results[static_cast<std::size_t>(i)] =
          instance_.ledger().Commit({SettingChange(n, "v" + std::to_string(i))});
    });
  }
  for (auto& t : threads) t.join();
  int ok = 0;
  for (const auto& r : results) {
    if (r) {
      ++ok;
    } else {
      EXPECT_EQ(r.error().code, Errc::kUnavailable) << r.error().ToString();
    }
  }
  EXPECT_EQ(ok, kDistinct);
  EXPECT_EQ(instance_.log().size(), static_cast<std::uint64_t>(kDistinct + kRepeats));
  EXPECT_EQ(Objects(instance_.db()).size(), static_cast<std::size_t>(kDistinct));
  // The losers' log_entries rows went with their savepoints.
  EXPECT_EQ(LogEntryRows(instance_.db()), kDistinct);
}

// What one CommitThen answered, and on which thread.
struct Answer {
  std::mutex mu;
  std::condition_variable cv;
  std::optional<Result<CommitResult>> result;
  std::thread::id thread;
  int calls = 0;

  Ledger::CommitDone Done() {
    return [this](Result<CommitResult> r) {
      std::lock_guard lock(mu);
      result = std::move(r);
      thread = std::this_thread::get_id();
      ++calls;
      cv.notify_all();
    };
  }
  Result<CommitResult> Wait() {
    std::unique_lock lock(mu);
    cv.wait(lock, [this] { return result.has_value(); });
    return *result;
  }
};

TEST_P(LedgerTest, CommitThenAnswersFromTheLedgersThreadsWhileTheCallerGoesOn) {
  // 32 commits from one thread, none waited for: each answers once, from the log's or the
  // database's thread, and together they are sequenced and indexed as 32 Commits would be.
  constexpr int kCommits = 32;
  std::vector<Answer> answers(kCommits);
  for (int i = 0; i < kCommits; ++i)
    instance_.ledger().CommitThen({SettingChange(static_cast<std::uint8_t>(i + 1), "v")},
                                  answers[static_cast<std::size_t>(i)].Done());
  std::set<std::uint64_t> indexes;
  for (auto& a : answers) {
    auto r = a.Wait();
    ASSERT_TRUE(r) << r.error().ToString();
    indexes.insert(r->first_index);
    EXPECT_NE(a.thread, std::this_thread::get_id());
  }
  EXPECT_EQ(indexes.size(), static_cast<std::size_t>(kCommits));
  EXPECT_EQ(*indexes.rbegin(), static_cast<std::uint64_t>(kCommits - 1));
  EXPECT_EQ(Objects(instance_.db()).size(), static_cast<std::size_t>(kCommits));
  EXPECT_EQ(LogEntryRows(instance_.db()), kCommits);
  for (auto& a : answers) EXPECT_EQ(a.calls, 1);
}

TEST_P(LedgerTest, CommitThenRefusesABadRecordOnTheCallersThreadBeforeItReturns) {
  Change bad = SettingChange(1, "one");
  bad.blob = ToBytes("not a record");
  Answer answer;
  instance_.ledger().CommitThen({bad}, answer.Done());
  ASSERT_EQ(answer.calls, 1);  // already answered: no wait
  EXPECT_EQ(answer.thread, std::this_thread::get_id());
  ASSERT_FALSE(*answer.result);
  EXPECT_EQ(answer.result->error().code, Errc::kInvalidArgument);
  EXPECT_EQ(instance_.log().size(), 0u);
}

TEST_P(LedgerTest, CommitThenReportsAnIndexFailureAfterTheLogTookTheEntry) {
  // The applier refuses a second row for object 1: the log has the entry, the index does not,
  // and the answer says so (kUnavailable: CatchUp settles it) rather than acknowledging.
  ASSERT_TRUE(instance_.ledger().Commit({SettingChange(1, "first")}));
  Answer answer;
  instance_.ledger().CommitThen({SettingChange(1, "again")}, answer.Done());
  auto r = answer.Wait();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::kUnavailable);
  EXPECT_EQ(instance_.log().size(), 2u);
  EXPECT_EQ(Objects(instance_.db()).size(), 1u);
}

TEST_P(LedgerTest, CatchUpAppliesWhatACrashLeftUnindexed) {
  ASSERT_TRUE(instance_.ledger().Commit({SettingChange(1, "one")}));
  // A crash after the log sequenced an entry and before the database committed it.
  Bytes record = RecordBuilder("settings").Add("value", "late").Finish();
  auto put = instance_.blobs().Put(record);
  ASSERT_TRUE(put);
  translog::Entry entry;
  entry.type = EntryType::kSettings;
  entry.object_id = IdOf(9);
  entry.blob_sha256 = put->first;
  entry.blob_size = put->second;
  ASSERT_TRUE(instance_.log().Append(translog::EncodeEntry(entry)));
  ASSERT_TRUE(instance_.ledger().Commit({SettingChange(2, "two")}));

  instance_.Reopen();
  RegisterTestApplier(instance_.ledger());
  auto applied = instance_.ledger().CatchUp(instance_.log_dir());
  ASSERT_TRUE(applied) << applied.error().ToString();
  EXPECT_EQ(*applied, 1u);
  EXPECT_EQ(Objects(instance_.db()),
            (std::vector<std::string>{"0001 one payload 41 0", "0009 late  42 1",
                                      "0002 two payload 41 2"}));
  // A second catch-up finds nothing to do.
  EXPECT_EQ(vigil::testing::ValueOf(instance_.ledger().CatchUp(instance_.log_dir())), 0u);
}

// The window of decision 0013: the database committed a batch whose names the log had not yet
// synced, and a crash took those files. Simulated by putting back the log's directory as it was
// before the last commits.
class LogLosesItsLastBatch {
 public:
  explicit LogLosesItsLastBatch(TestInstance& instance) : instance_(instance) {
    EXPECT_TRUE(instance_.log().PublishNow());
    std::filesystem::copy(instance_.dir() / "log", instance_.dir() / "log-before",
                          std::filesystem::copy_options::recursive);
  }
  void Crash(const std::function<void()>& also = {}) {
    instance_.Reopen([&] {
      std::filesystem::remove_all(instance_.dir() / "log");
      std::filesystem::rename(instance_.dir() / "log-before", instance_.dir() / "log");
      if (also) also();
    });
    RegisterTestApplier(instance_.ledger());
  }

 private:
  TestInstance& instance_;
};

TEST_P(LedgerTest, CatchUpRestoresToTheLogTheBatchTheDatabaseIndexedFirst) {
  for (std::uint8_t i = 1; i <= 3; ++i)
    ASSERT_TRUE(instance_.ledger().Commit({SettingChange(i, "v" + std::to_string(i))}));
  LogLosesItsLastBatch lose(instance_);
  ASSERT_TRUE(instance_.ledger().Commit({SettingChange(4, "four"), SettingChange(5, "five")}));
  auto checkpoint = instance_.log().PublishNow();
  ASSERT_TRUE(checkpoint);
  const auto before = Objects(instance_.db());

  lose.Crash();
  EXPECT_EQ(instance_.log().size(), 3u);
  EXPECT_EQ(vigil::testing::ValueOf(instance_.ledger().CatchUp(instance_.log_dir())), 2u);
  // The same entries at the same indexes: the same tree, and so the same signed checkpoint.
  EXPECT_EQ(instance_.log().size(), 5u);
  EXPECT_EQ(vigil::testing::ValueOf(instance_.log().PublishNow()), *checkpoint);
  EXPECT_EQ(Objects(instance_.db()), before);
  EXPECT_EQ(vigil::testing::ValueOf(instance_.ledger().CatchUp(instance_.log_dir())), 0u);
  // And the log goes on from there.
  auto next = instance_.ledger().Commit({SettingChange(6, "six")});
  ASSERT_TRUE(next);
  EXPECT_EQ(next->first_index, 5u);
}

TEST_P(LedgerTest, CatchUpRefusesAnIndexAheadOfTheLogWithAGap) {
  ASSERT_TRUE(instance_.ledger().Commit({SettingChange(1, "one")}));
  LogLosesItsLastBatch lose(instance_);
  ASSERT_TRUE(instance_.ledger().Commit({SettingChange(2, "two"), SettingChange(3, "three")}));
  // Entry 1's row gone too: entry 2 cannot be put back at its index.
  lose.Crash();
  ASSERT_TRUE(instance_.db().Write(
      [](store::Transaction& t) { return t.Execute("DELETE FROM log_entries WHERE idx = 1"); }));
  auto caught_up = instance_.ledger().CatchUp(instance_.log_dir());
  ASSERT_FALSE(caught_up);
  EXPECT_EQ(caught_up.error().code, Errc::kCorrupt);
  EXPECT_NE(caught_up.error().detail.find("vigil rebuild"), std::string::npos);
  EXPECT_EQ(instance_.log().size(), 1u);
}

TEST_P(LedgerTest, RebuildFromTheLogAndBlobsRecreatesTheIndex) {
  for (std::uint8_t i = 1; i <= 40; ++i)
    ASSERT_TRUE(instance_.ledger().Commit({SettingChange(i, "v" + std::to_string(i))}));
  auto before = Objects(instance_.db());
  ASSERT_EQ(before.size(), 40u);

  instance_.ReplaceDatabase();
  RegisterTestApplier(instance_.ledger());
  EXPECT_TRUE(Objects(instance_.db()).empty());
  EXPECT_EQ(vigil::testing::ValueOf(instance_.ledger().CatchUp(instance_.log_dir())), 40u);
  EXPECT_EQ(Objects(instance_.db()), before);
  EXPECT_EQ(LogEntryRows(instance_.db()), 40);
}

TEST_P(LedgerTest, CatchUpReportsAMissingBlob) {
  auto committed = instance_.ledger().Commit({SettingChange(1, "one")});
  ASSERT_TRUE(committed);
  ASSERT_TRUE(instance_.blobs().Remove(committed->entries[0].blob_sha256));
  instance_.ReplaceDatabase();
  RegisterTestApplier(instance_.ledger());
  auto applied = instance_.ledger().CatchUp(instance_.log_dir());
  ASSERT_FALSE(applied);
  EXPECT_EQ(applied.error().code, Errc::kCorrupt);
}

INSTANTIATE_TEST_SUITE_P(Engines, LedgerTest, ::testing::Values(kSqlite, kPostgres),
                         [](const auto& p) { return testing::EngineName(p.param); });

}  // namespace
}  // namespace vigil::records
