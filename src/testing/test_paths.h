// Paths for tests: the source tree (for testdata/) and fresh temporary directories.
#pragma once

#include <filesystem>
#include <string>

namespace vigil::testing {

// The repository root: $VIGIL_SOURCE_DIR (set by ctest) or the compile-time source directory.
std::filesystem::path SourceDir();

// A new empty directory under $TMPDIR, removed with everything in it when the object dies.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace vigil::testing
