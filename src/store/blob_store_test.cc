#include "store/blob_store.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <atomic>
#include <cstdio>
#include <thread>

#include "base/hex.h"
#include "testing/test_paths.h"

namespace vigil::store {
namespace {

Bytes ReadAll(Source& s) {
  Bytes out, buf(4096);
  while (true) {
    auto n = s.Read(buf);
    EXPECT_TRUE(n);
    if (!n || *n == 0) break;
    out.insert(out.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(*n));
  }
  return out;
}

class BlobStoreTest : public ::testing::Test {
 protected:
  std::unique_ptr<BlobStore> OpenStore(std::uint64_t reserve = 0) {
    auto s = BlobStore::Open(dir_.path() / "blobs", BlobStoreOptions{reserve});
    EXPECT_TRUE(s);
    return std::move(*s);
  }
  vigil::testing::TempDir dir_;
};

TEST_F(BlobStoreTest, StoresByContentAddressAndStreamsBack) {
  auto store = OpenStore();
  Bytes data(200000);
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<std::uint8_t>(i * 7);
  auto writer = store->NewWriter();
  ASSERT_TRUE(writer);
  for (std::size_t pos = 0; pos < data.size(); pos += 30000)
    ASSERT_TRUE((*writer)->Write(
        ByteSpan(data).subspan(pos, std::min<std::size_t>(30000, data.size() - pos))));
  auto committed = (*writer)->Commit();
  ASSERT_TRUE(committed);
  EXPECT_EQ(committed->first, crypto::Sha256(data));
  EXPECT_EQ(committed->second, data.size());
  std::string hex = HexEncode(committed->first);
  EXPECT_TRUE(std::filesystem::exists(dir_.path() / "blobs" / hex.substr(0, 2) / hex.substr(2)));
  auto source = store->Open(committed->first);
  ASSERT_TRUE(source);
  EXPECT_EQ(ReadAll(**source), data);
  // Storing the same bytes again is idempotent.
  auto again = store->Put(data);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->first, committed->first);
  EXPECT_TRUE(store->Remove(committed->first));
  EXPECT_FALSE(store->Exists(committed->first));
  EXPECT_EQ(store->Open(committed->first).error().code, Errc::kNotFound);
  EXPECT_EQ(store->Remove(committed->first).error().code, Errc::kNotFound);
}

TEST_F(BlobStoreTest, AnAbandonedWriteLeavesNothing) {
  auto store = OpenStore();
  {
    auto writer = store->NewWriter();
    ASSERT_TRUE((*writer)->Write(AsBytes("half a blob")));
  }
  std::size_t files = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir_.path()))
    files += e.is_regular_file();
  EXPECT_EQ(files, 0u);
}

// A reader opening the store beside its owner (vigil log verify next to a running vigild) must
// not delete the owner's writes in flight; the owner clears what a crash left.
TEST_F(BlobStoreTest, OnlyTheOwnerClearsTemporaries) {
  auto owner = OpenStore();
  auto writer = owner->NewWriter();
  ASSERT_TRUE((*writer)->Write(AsBytes("in flight")));
  auto reader = BlobStore::Open(dir_.path() / "blobs", BlobStoreOptions{0, false});
  ASSERT_TRUE(reader.has_value());
  auto committed = (*writer)->Commit();
  ASSERT_TRUE(committed.has_value()) << committed.error().ToString();
  EXPECT_TRUE(owner->Exists(committed->first));

  auto left = owner->NewWriter();
  ASSERT_TRUE((*left)->Write(AsBytes("left by a crash")));
  auto restarted = OpenStore();
  EXPECT_FALSE((*left)->Commit().has_value());  // its temporary is gone
}

TEST_F(BlobStoreTest, RefusesPathTricksInDigests) {
  const char* bad[] = {"../../etc/passwd", "",
                       "ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef0123456789",
                       "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde/",
                       "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0"};
  for (const char* d : bad) EXPECT_EQ(ParseDigest(d).error().code, Errc::kInvalidArgument) << d;
  EXPECT_TRUE(ParseDigest("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"));
}

TEST_F(BlobStoreTest, AdoptsAFileByRename) {
  auto store = OpenStore();
  auto write_file = [&](const std::string& name, std::string_view text) {
    std::filesystem::path p = dir_.path() / name;
    std::FILE* f = std::fopen(p.c_str(), "wb");
    std::fwrite(text.data(), 1, text.size(), f);
    std::fclose(f);
    return p;
  };
  Digest digest = crypto::Sha256(AsBytes("evidence"));
  std::filesystem::path first = write_file("first", "evidence");
  ASSERT_TRUE(store->Adopt(first, digest));
  EXPECT_FALSE(std::filesystem::exists(first));
  auto source = store->Open(digest);
  ASSERT_TRUE(source);
  EXPECT_EQ(ReadAll(**source), ToBytes("evidence"));
  // The same bytes again (another upload of the same file).
  std::filesystem::path second = write_file("second", "evidence");
  ASSERT_TRUE(store->Adopt(second, digest));
  EXPECT_FALSE(std::filesystem::exists(second));
  EXPECT_TRUE(store->Exists(digest));
  EXPECT_EQ(store->Adopt(dir_.path() / "missing", crypto::Sha256(AsBytes("x"))).error().code,
            Errc::kIo);
}

TEST_F(BlobStoreTest, RefusesWritesBelowTheDiskReserve) {
  // A reserve larger than any disk: every write is refused before it starts, cleanly.
  auto store = OpenStore(~0ull);
  auto writer = store->NewWriter();
  ASSERT_FALSE(writer);
  EXPECT_EQ(writer.error().code, Errc::kResourceExhausted);
  EXPECT_EQ(store->Put(AsBytes("x")).error().code, Errc::kResourceExhausted);
}

// Put writes a small blob under its final name at once (decision 0010). What a crash left under
// that name is replaced whole; an intact copy is kept as it is.
TEST_F(BlobStoreTest, PutReplacesWhatACrashLeftAndKeepsAnIntactCopy) {
  auto store = OpenStore();
  Bytes data(3000);
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<std::uint8_t>(i * 13);
  const Digest digest = crypto::Sha256(data);
  const std::filesystem::path path = store->PathOf(digest);
  for (std::size_t kept : {std::size_t{0}, std::size_t{1000}, data.size() - 1}) {
    std::filesystem::create_directories(path.parent_path());
    {
      std::FILE* f = std::fopen(path.c_str(), "wb");
      ASSERT_NE(f, nullptr);
      std::fwrite(data.data(), 1, kept, f);
      std::fclose(f);
    }
    auto put = store->PutUnsynced(data);
    ASSERT_TRUE(put) << kept;
    EXPECT_EQ(put->first, digest);
    auto source = store->Open(digest);
    ASSERT_TRUE(source);
    EXPECT_EQ(ReadAll(**source), data) << "a partial file of " << kept << " bytes stayed";
    ASSERT_TRUE(store->Remove(digest));
  }
  // Same bytes with one flipped bit: replaced too.
  Bytes flipped = data;
  flipped[10] ^= 1;
  {
    std::FILE* f = std::fopen(path.c_str(), "wb");
    ASSERT_NE(f, nullptr);
    std::fwrite(flipped.data(), 1, flipped.size(), f);
    std::fclose(f);
  }
  ASSERT_TRUE(store->Put(data));
  auto source = store->Open(digest);
  ASSERT_TRUE(source);
  EXPECT_EQ(ReadAll(**source), data);
  // An intact copy is not rewritten: the same file stays.
  struct stat before {
  }, after{};
  ASSERT_EQ(::stat(path.c_str(), &before), 0);
  ASSERT_TRUE(store->Put(data));
  ASSERT_EQ(::stat(path.c_str(), &after), 0);
  EXPECT_EQ(before.st_ino, after.st_ino);
  // No temporary is left behind by any of it.
  EXPECT_TRUE(std::filesystem::is_empty(dir_.path() / "blobs" / "tmp"));
}

// Many writers of the same bytes at once, as a client retrying a report while the first attempt
// is still in flight: every Put succeeds and the blob holds the bytes.
TEST_F(BlobStoreTest, ConcurrentPutsOfTheSameBytesAllSucceed) {
  auto store = OpenStore();
  Bytes data(50000, 0x5a);
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 20; ++i) {
        if (store->Put(data)) ok++;
        if (i % 5 == 4) (void)store->Remove(crypto::Sha256(data));
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 160);
  ASSERT_TRUE(store->Put(data));
  auto source = store->Open(crypto::Sha256(data));
  ASSERT_TRUE(source);
  EXPECT_EQ(ReadAll(**source), data);
}

}  // namespace
}  // namespace vigil::store

namespace vigil::store {
namespace {

TEST(GroupSync, ConcurrentCallersAllReturnDurable) {
  vigil::testing::TempDir dir;
  auto sync = GroupSync::Open(dir.path());
  ASSERT_TRUE(sync);
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < 16; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 20; ++i)
        if ((*sync)->Sync()) ok++;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 320);
  EXPECT_EQ(GroupSync::Open(dir.path() / "absent").error().code, Errc::kIo);
}

TEST(BlobStore, SmallAndLargeBlobsAreReadBackAfterReopening) {
  vigil::testing::TempDir dir;
  Bytes small(1000, 7), large((5 << 20) + 3, 9);
  Digest a{}, b{};
  {
    auto store = BlobStore::Open(dir.path(), {0});
    ASSERT_TRUE(store);
    a = (*store)->Put(small)->first;
    b = (*store)->Put(large)->first;
  }
  auto store = BlobStore::Open(dir.path(), {0});
  ASSERT_TRUE(store);
  for (auto [digest, bytes] : {std::pair{a, &small}, std::pair{b, &large}}) {
    auto source = (*store)->Open(digest);
    ASSERT_TRUE(source);
    Bytes back(bytes->size() + 1);
    EXPECT_EQ(*ReadFull(**source, back), bytes->size());
    back.pop_back();
    EXPECT_EQ(back, *bytes);
  }
}

}  // namespace
}  // namespace vigil::store
