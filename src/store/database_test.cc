// The Database contract, run against every engine (SQLite here; PostgreSQL joins with its harness).
#include "store/database.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "store/postgres_database.h"
#include "store/sqlite_database.h"
#include "testing/temp_postgres.h"
#include "testing/test_paths.h"

namespace vigil::store {
namespace {

struct SqliteEngine {
  static Result<std::unique_ptr<Database>> Open(const std::filesystem::path& dir) {
    return OpenSqlite(dir / "vigil.db");
  }
};

Status InsertObject(Transaction& t, const std::string& id, std::int64_t size) {
  return t.Execute(
      "INSERT INTO objects (id, kind, sha256, size, log_index, created_hour) VALUES (?, ?, ?, ?, "
      "?, ?)",
      {id, std::string("report"), Bytes{0, 1, 2, 0}, size, nullptr, std::int64_t{490000}});
}

template <typename Engine>
class DatabaseTest : public ::testing::Test {
 protected:
  std::unique_ptr<Database> OpenDb() {
    auto db = Engine::Open(dir_.path());
    EXPECT_TRUE(db) << db.error().ToString();
    return db ? std::move(*db) : nullptr;
  }
  static std::int64_t Count(Database& db) {
    std::int64_t n = -1;
    EXPECT_TRUE(db.Read([&](Transaction& t) -> Status {
      VIGIL_ASSIGN_OR_RETURN(auto rows, t.Query("SELECT COUNT(*) FROM objects"));
      n = std::get<std::int64_t>(rows.at(0).at(0));
      return OkStatus();
    }));
    return n;
  }
  vigil::testing::TempDir dir_;
};

// A database per test on the process's throwaway server, named after the test's directory.
struct PostgresEngine {
  static Result<std::unique_ptr<Database>> Open(const std::filesystem::path& dir) {
    std::string name = "t_" + dir.filename().string().substr(std::string("vigil-test-").size());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return OpenPostgres(vigil::testing::TempPostgres::Get().Database(name));
  }
};

using Engines = ::testing::Types<SqliteEngine, PostgresEngine>;
TYPED_TEST_SUITE(DatabaseTest, Engines);

TYPED_TEST(DatabaseTest, MigratesOnceAndReopens) {
  {
    auto db = this->OpenDb();
    ASSERT_TRUE(db);
    EXPECT_EQ(db->schema_version(), BuiltinMigrations().back().version);
    ASSERT_TRUE(db->Write([](Transaction& t) { return InsertObject(t, "a", 1); }));
  }
  auto db = this->OpenDb();
  ASSERT_TRUE(db);
  EXPECT_EQ(this->Count(*db), 1);
}

TYPED_TEST(DatabaseTest, QueuedWritesAnswerInOrderAndAFailingOneRollsBackAlone) {
  auto db = this->OpenDb();
  ASSERT_TRUE(db);
  // Eight writes queued as one group, the fourth a duplicate of the second.
  std::mutex mu;
  std::condition_variable cv;
  std::vector<std::pair<int, Status>> answers;
  for (int i = 0; i < 8; ++i) {
    std::string id = "q" + std::to_string(i == 3 ? 1 : i);
    db->WriteAsync([id](Transaction& t) { return InsertObject(t, id, 1); },
                   [&, i](Status s) {
                     std::lock_guard lock(mu);
                     answers.emplace_back(i, std::move(s));
                     cv.notify_all();
                   },
                   /*more_follow=*/i < 7);
  }
  {
    std::unique_lock lock(mu);
    ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(60), [&] { return answers.size() == 8; }));
  }
  for (int i = 0; i < 8; ++i) {
    EXPECT_EQ(answers[static_cast<std::size_t>(i)].first, i);
    const Status& s = answers[static_cast<std::size_t>(i)].second;
    if (i == 3) {
      EXPECT_EQ(s.error().code, Errc::kAlreadyExists);
    } else {
      EXPECT_TRUE(s) << s.error().ToString();
    }
  }
  EXPECT_EQ(this->Count(*db), 7);
}

TYPED_TEST(DatabaseTest, RefusesADatabaseFromANewerBuild) {
  {
    auto db = this->OpenDb();
    ASSERT_TRUE(db->Write([](Transaction& t) {
      return t.Execute("INSERT INTO schema_migrations (version) VALUES (999)");
    }));
  }
  auto db = TypeParam::Open(this->dir_.path());
  ASSERT_FALSE(db);
  EXPECT_EQ(db.error().code, Errc::kFailedPrecondition);
}

TYPED_TEST(DatabaseTest, RoundTripsEveryValueType) {
  auto db = this->OpenDb();
  Bytes binary = {0, 255, 0, 7};
  ASSERT_TRUE(db->Write([&](Transaction& t) {
    return t.Execute(
        "INSERT INTO objects (id, kind, sha256, size, log_index, created_hour) VALUES (?, ?, ?, ?, "
        "?, ?)",
        {std::string("x\xc3\xa9"), std::string("reply"), binary, std::int64_t{1} << 40, nullptr,
         std::int64_t{-5}});
  }));
  ASSERT_TRUE(db->Read([&](Transaction& t) -> Status {
    VIGIL_ASSIGN_OR_RETURN(
        auto rows,
        t.Query("SELECT id, kind, sha256, size, log_index, created_hour FROM objects WHERE id = ?",
                {std::string("x\xc3\xa9")}));
    EXPECT_EQ(rows.size(), 1u);
    const Row& r = rows.at(0);
    EXPECT_EQ(std::get<std::string>(r[1]), "reply");
    EXPECT_EQ(std::get<Bytes>(r[2]), binary);
    EXPECT_EQ(std::get<std::int64_t>(r[3]), std::int64_t{1} << 40);
    EXPECT_TRUE(std::holds_alternative<std::nullptr_t>(r[4]));
    EXPECT_EQ(std::get<std::int64_t>(r[5]), -5);
    return OkStatus();
  }));
}

TYPED_TEST(DatabaseTest, ReportsStableErrorCodes) {
  auto db = this->OpenDb();
  ASSERT_TRUE(db->Write([](Transaction& t) { return InsertObject(t, "dup", 1); }));
  EXPECT_EQ(db->Write([](Transaction& t) { return InsertObject(t, "dup", 2); }).error().code,
            Errc::kAlreadyExists);
  EXPECT_EQ(db->Write([](Transaction& t) { return t.Execute("INSERT INTO nowhere VALUES (1)"); })
                .error()
                .code,
            Errc::kInvalidArgument);
  EXPECT_EQ(db->Write([](Transaction& t) { return t.Execute("SELECT ?", {}); }).error().code,
            Errc::kInvalidArgument);
  EXPECT_EQ(this->Count(*db), 1);
}

TYPED_TEST(DatabaseTest, ConcurrentWritesCommitAndAFailingOneRollsBackAlone) {
  auto db = this->OpenDb();
  constexpr int kThreads = 16, kPerThread = 40;
  std::atomic<int> ok{0}, failed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        bool should_fail = i % 5 == 0;
        Status s = db->Write([&](Transaction& txn) -> Status {
          // Two rows per write; a failing write must leave neither.
          std::string id = "t" + std::to_string(t) + "-" + std::to_string(i);
          VIGIL_RETURN_IF_ERROR(InsertObject(txn, id + "a", i));
          VIGIL_RETURN_IF_ERROR(InsertObject(txn, id + "b", i));
          if (should_fail) return MakeError(Errc::kInvalidArgument, "refused on purpose");
          return OkStatus();
        });
        (s ? ok : failed)++;
        EXPECT_EQ(static_cast<bool>(s), !should_fail);
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(ok.load(), kThreads * kPerThread * 4 / 5);
  EXPECT_EQ(this->Count(*db), 2 * ok.load());
}

// Rows of 4 KiB, each written in its own transaction: a page or more of WAL per commit.
void WriteBigRows(Database& db, int from, int to) {
  for (int i = from; i < to; ++i) {
    ASSERT_TRUE(db.Write([i](Transaction& t) {
      return t.Execute(
          "INSERT INTO objects (id, kind, sha256, size, log_index, created_hour) VALUES (?, ?, "
          "?, ?, ?, ?)",
          {"big" + std::to_string(i), std::string("report"), Bytes(4096, 7), std::int64_t{4096},
           nullptr, std::int64_t{490000}});
    }));
  }
}

std::uintmax_t FileSize(const std::filesystem::path& path) {
  std::error_code ec;
  auto size = std::filesystem::file_size(path, ec);
  return ec ? 0 : size;
}

TEST(SqliteDatabase, TheCheckpointerCopiesTheWalBackWithoutTheWriter) {
  vigil::testing::TempDir dir;
  const auto file = dir.path() / "vigil.db";
  {
    auto db = OpenSqlite(file, {.checkpoint_pages = 50, .writer_checkpoint_pages = 1 << 30});
    ASSERT_TRUE(db) << db.error().ToString();
    const auto empty = FileSize(file);
    WriteBigRows(**db, 0, 300);
    // The writer never checkpoints here, so only the checkpointer thread can have copied the
    // 1.2 MB of rows from the WAL into the database file. It does so in the background.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (FileSize(file) < empty + 300 * 4096 && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    EXPECT_GE(FileSize(file), empty + 300 * 4096);
  }
  auto reopened = OpenSqlite(file);
  ASSERT_TRUE(reopened);
  std::int64_t n = 0;
  ASSERT_TRUE((*reopened)->Read([&](Transaction& t) -> Status {
    VIGIL_ASSIGN_OR_RETURN(auto rows, t.Query("SELECT COUNT(*) FROM objects"));
    n = std::get<std::int64_t>(rows.at(0).at(0));
    return OkStatus();
  }));
  EXPECT_EQ(n, 300);
}

TEST(SqliteDatabase, TheWriterCheckpointsItselfAtTheWalsBound) {
  vigil::testing::TempDir dir;
  const auto file = dir.path() / "vigil.db";
  // The checkpointer is never asked: as if it had fallen behind.
  auto db = OpenSqlite(file, {.checkpoint_pages = 1 << 30, .writer_checkpoint_pages = 50});
  ASSERT_TRUE(db) << db.error().ToString();
  WriteBigRows(**db, 0, 300);
  // 300 pages of rows went through a WAL that starts over after each 50 or so.
  EXPECT_GE(FileSize(file), 300u * 4096);
  EXPECT_LT(FileSize(std::filesystem::path(file.string() + "-wal")), 100u * 4200);
}

TEST(PostgresDatabase, ReconnectsAfterTheServerRestarts) {
  vigil::testing::TempDir dir;
  auto db = PostgresEngine::Open(dir.path());
  ASSERT_TRUE(db) << db.error().ToString();
  auto insert = [](const std::string& id) {
    return [id](Transaction& t) { return InsertObject(t, id, 1); };
  };
  ASSERT_TRUE((*db)->Write(insert("before")));
  vigil::testing::TempPostgres::Get().Restart();
  // Connections in the pool died with the server: a call may fail as unavailable, never as
  // anything else, and the pool reconnects by the next calls.
  int unavailable = 0;
  for (int i = 0; i < 8; ++i) {
    Status s = (*db)->Write(insert("after" + std::to_string(i)));
    if (!s) {
      EXPECT_EQ(s.error().code, Errc::kUnavailable) << s.error().ToString();
      ++unavailable;
    }
  }
  EXPECT_LT(unavailable, 8);
  EXPECT_TRUE((*db)->Write(insert("finally")));
}

TEST(PostgresDatabase, NumbersPlaceholdersOutsideQuotes) {
  EXPECT_EQ(NumberPlaceholders("SELECT ?, '?', \"a?\", ?"), "SELECT $1, '?', \"a?\", $2");
}

}  // namespace
}  // namespace vigil::store
