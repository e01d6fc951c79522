#include "testing/test_paths.h"

#include <cstdlib>
#include <system_error>

#include "base/check.h"

namespace vigil::testing {

std::filesystem::path SourceDir() {
  if (const char* env = std::getenv("VIGIL_SOURCE_DIR"); env != nullptr && *env != 0) return env;
  return VIGIL_SOURCE_DIR_DEFAULT;
}

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "vigil-test-XXXXXX").string();
  CHECK(mkdtemp(pattern.data()) != nullptr);
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

}  // namespace vigil::testing
