// The small state file kept beside each upload's data (`uploads/<id>.info`): declared length,
// durable offset, expiry and, once the last byte is in, the SHA-256 of the whole file.
// Pure: no I/O. Format: docs/formats/uploads.md
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/error.h"
#include "crypto/sha256.h"

namespace vigil::uploads {

struct UploadInfo {
  std::uint64_t length = 0;  // declared by the client (Upload-Length)
  std::uint64_t offset = 0;  // bytes of `<id>.part` known durable; never more than length
  std::int64_t expires = 0;  // Unix seconds
  std::optional<crypto::Sha256Digest> sha256;  // set when finished (offset == length)
};

// The canonical text of `info`.
std::string FormatUploadInfo(const UploadInfo& info);

// Parses the text FormatUploadInfo writes, and only that (one spelling per value). kCorrupt
// when it does not parse or is inconsistent (offset past length, a digest before the end).
Result<UploadInfo> ParseUploadInfo(std::string_view text);

}  // namespace vigil::uploads
