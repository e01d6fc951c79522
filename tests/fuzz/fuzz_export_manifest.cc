// Fuzzes the court-ready package's manifest parser (docs/formats/case-export.md). Property:
// every member name it accepts is a safe relative path, so that no package can name a file
// outside the folder it is unpacked into.
#include <cstdlib>
#include <string_view>

#include "cases/export.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto manifest = vigil::cases::ParseExportManifest(text);
  if (!manifest) return 0;
  for (const auto& f : manifest->files) {
    if (!vigil::cases::IsSafeMemberName(f.path)) std::abort();
    std::string_view p = f.path;
    if (p.starts_with('/') || p == ".." || p.starts_with("../") ||
        p.find("/../") != std::string_view::npos || p.ends_with("/.."))
      std::abort();
    if (f.ciphertext && !vigil::cases::IsSafeMemberName(f.ciphertext->path)) std::abort();
  }
  return 0;
}
