#include "cli/backup_manifest.h"

#include <gtest/gtest.h>

#include <string>

namespace vigil::cli {
namespace {

const std::string kHash(64, 'a');
const std::string kRoot = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";

std::string Header(std::uint64_t blobs, std::uint64_t files) {
  return "vigil-backup/v1\norigin example.org/log\nlog-key example.org/log+01234567+AQ\n"
         "tree-size 2\nroot " +
         kRoot + "\ndatabase sqlite\ncreated 1700000000\nblobs " + std::to_string(blobs) +
         "\nfiles " + std::to_string(files) + "\n\n";
}

std::string Valid() {
  return Header(1, 3) + kHash + " 10 blobs/ab/cdef\n" + kHash + " 0 database/vigil.db\n" + kHash +
         " 300 log/checkpoint\n";
}

TEST(BackupManifest, ParsesAndFormatsBackExactly) {
  auto m = ParseBackupManifest(Valid());
  ASSERT_TRUE(m) << m.error().detail;
  EXPECT_EQ(m->origin, "example.org/log");
  EXPECT_EQ(m->tree_size, 2u);
  EXPECT_EQ(m->database, "sqlite");
  EXPECT_EQ(m->blobs, 1u);
  ASSERT_EQ(m->files.size(), 3u);
  EXPECT_EQ(m->files[0].path, "blobs/ab/cdef");
  EXPECT_EQ(m->files[0].size, 10u);
  EXPECT_EQ(m->files[0].sha256[0], 0xaa);
  EXPECT_EQ(FormatBackupManifest(*m), Valid());
}

TEST(BackupManifest, EmptyBackupHasNoFileLines) {
  auto m = ParseBackupManifest(Header(0, 0));
  ASSERT_TRUE(m) << m.error().detail;
  EXPECT_TRUE(m->files.empty());
  EXPECT_EQ(FormatBackupManifest(*m), Header(0, 0));
}

TEST(BackupManifest, RejectsWhatIsNotCanonical) {
  struct Case {
    const char* name;
    std::string text;
  };
  const std::string v = Valid();
  auto replace = [&v](const std::string& from, const std::string& to) {
    std::string s = v;
    s.replace(s.find(from), from.size(), to);
    return s;
  };
  const Case cases[] = {
      {"empty", ""},
      {"other magic", replace("vigil-backup/v1", "vigil-backup/v2")},
      {"fields out of order",
       replace("tree-size 2\nroot " + kRoot, "root " + kRoot + "\ntree-size 2")},
      {"leading zero", replace("tree-size 2", "tree-size 02")},
      {"negative", replace("tree-size 2", "tree-size -2")},
      {"too large", replace("tree-size 2", "tree-size 18446744073709551616")},
      {"space in origin", replace("origin example.org/log", "origin example.org /log")},
      {"plus in origin", replace("origin example.org/log", "origin example.org+log")},
      {"root not canonical", replace(kRoot, kRoot.substr(0, 42) + "V=")},
      {"root too short", replace(kRoot, "AAAA")},
      {"unknown database", replace("database sqlite", "database postgresql")},
      {"no blank line", replace("files 3\n\n", "files 3\n")},
      {"carriage return", replace("files 3\n", "files 3\r\n")},
      {"upper-case hex", replace(kHash + " 10", std::string(64, 'A') + " 10")},
      {"short hash", replace(kHash + " 10", kHash.substr(1) + " 10")},
      {"size with leading zero", replace(" 10 ", " 010 ")},
      {"parent path", replace("blobs/ab/cdef", "blobs/../cdef")},
      {"absolute path", replace("blobs/ab/cdef", "/blobs/ab/cdef")},
      {"empty component", replace("blobs/ab/cdef", "blobs//cdef")},
      {"dot component", replace("blobs/ab/cdef", "blobs/./cdef")},
      {"space in path", replace("blobs/ab/cdef", "blobs/ab/cd ef")},
      {"the manifest itself", replace("log/checkpoint", "MANIFEST")},
      {"unsorted", replace("log/checkpoint", "a/checkpoint")},
      {"duplicate", replace("database/vigil.db", "blobs/ab/cdef")},
      {"count too high", replace("files 3", "files 4")},
      {"count too low", replace("files 3", "files 2")},
      {"blob count", replace("blobs 1", "blobs 2")},
      {"no final newline", v.substr(0, v.size() - 1)},
      {"extra field", replace(" 10 blobs", " 10 x blobs")},
  };
  for (const Case& c : cases) {
    auto m = ParseBackupManifest(c.text);
    EXPECT_FALSE(m) << c.name;
    if (!m) {
      EXPECT_EQ(m.error().code, Errc::kMalformed) << c.name;
    }
  }
}

TEST(BackupManifest, PathRules) {
  EXPECT_TRUE(IsBackupPath("log/tile/0/x001/067.p/5"));
  EXPECT_TRUE(IsBackupPath("vigil.conf"));
  EXPECT_FALSE(IsBackupPath(""));
  EXPECT_FALSE(IsBackupPath("log/"));
  EXPECT_FALSE(IsBackupPath("../log"));
  EXPECT_FALSE(IsBackupPath("log/.."));
  EXPECT_FALSE(IsBackupPath("MANIFEST"));
  EXPECT_FALSE(IsBackupPath(std::string("log\0x", 5)));
  EXPECT_FALSE(IsBackupPath(std::string(4097, 'a')));
}

}  // namespace
}  // namespace vigil::cli
