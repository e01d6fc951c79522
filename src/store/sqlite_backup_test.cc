#include "store/sqlite_backup.h"

#include <gtest/gtest.h>

#include "store/sqlite_database.h"
#include "testing/test_paths.h"

namespace vigil::store {
namespace {

Status Insert(Database& db, const std::string& id) {
  return db.Write([&](Transaction& t) {
    return t.Execute(
        "INSERT INTO objects (id, kind, sha256, size, log_index, created_hour) VALUES (?, ?, ?, "
        "?, ?, ?)",
        {id, std::string("report"), Bytes{1, 2}, std::int64_t{2}, nullptr, std::int64_t{490000}});
  });
}

std::vector<std::string> Ids(Database& db) {
  std::vector<std::string> ids;
  EXPECT_TRUE(db.Read([&](Transaction& t) -> Status {
    VIGIL_ASSIGN_OR_RETURN(auto rows, t.Query("SELECT id FROM objects ORDER BY id"));
    for (const auto& row : rows) ids.push_back(std::get<std::string>(row.at(0)));
    return OkStatus();
  }));
  return ids;
}

TEST(CopySqliteDatabase, CopiesALiveDatabaseThatKeepsWorking) {
  vigil::testing::TempDir dir;
  auto db = OpenSqlite(dir.path() / "vigil.db");
  ASSERT_TRUE(db) << db.error().ToString();
  ASSERT_TRUE(Insert(**db, "a"));
  ASSERT_TRUE(Insert(**db, "b"));
  ASSERT_TRUE(CopySqliteDatabase(dir.path() / "vigil.db", dir.path() / "copy.db"));
  // The original still takes writes; the copy does not see them.
  ASSERT_TRUE(Insert(**db, "c"));
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "copy.db-wal"));
  auto copy = OpenSqlite(dir.path() / "copy.db");
  ASSERT_TRUE(copy) << copy.error().ToString();
  EXPECT_EQ(Ids(**copy), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(Ids(**db), (std::vector<std::string>{"a", "b", "c"}));
}

TEST(CopySqliteDatabase, RefusesToOverwriteAndNeedsASource) {
  vigil::testing::TempDir dir;
  auto db = OpenSqlite(dir.path() / "vigil.db");
  ASSERT_TRUE(db);
  ASSERT_TRUE(CopySqliteDatabase(dir.path() / "vigil.db", dir.path() / "copy.db"));
  Status again = CopySqliteDatabase(dir.path() / "vigil.db", dir.path() / "copy.db");
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, Errc::kAlreadyExists);
  Status missing = CopySqliteDatabase(dir.path() / "none.db", dir.path() / "other.db");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, Errc::kNotFound);
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "other.db"));
}

}  // namespace
}  // namespace vigil::store
