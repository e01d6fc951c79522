// Fuzzes the upload state file parser: any bytes parse or fail with kCorrupt, never crash; what
// it accepts is consistent (offset within the length, a digest only at the end) and formats
// back to exactly the same text (one spelling per state).
#include <cstdlib>
#include <string_view>

#include "uploads/upload_info.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto info = vigil::uploads::ParseUploadInfo(text);
  if (!info) {
    if (info.error().code != vigil::Errc::kCorrupt) std::abort();
    return 0;
  }
  if (info->offset > info->length || (info->sha256 && info->offset != info->length)) std::abort();
  if (vigil::uploads::FormatUploadInfo(*info) != text) std::abort();
  return 0;
}
