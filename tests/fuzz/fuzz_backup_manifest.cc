// Fuzzes the backup manifest parser. Properties: a parsed manifest formats back to its input,
// and every path it accepts stays inside the backup (no empty, "." or ".." component).
#include <cstdlib>
#include <string_view>

#include "cli/backup_manifest.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto manifest = vigil::cli::ParseBackupManifest(text);
  if (!manifest) return 0;
  if (vigil::cli::FormatBackupManifest(*manifest) != text) std::abort();
  for (const auto& f : manifest->files) {
    std::string_view p = f.path;
    if (p.starts_with('/') || p.ends_with('/') || p.find("//") != std::string_view::npos ||
        p == ".." || p.starts_with("../") || p.ends_with("/..") ||
        p.find("/../") != std::string_view::npos)
      std::abort();
  }
  return 0;
}
