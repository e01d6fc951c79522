// Header rules of tus 1.0.0 resumable uploads (core, creation, termination, expiration, checksum
// with sha256): strict request header parsers and the Upload-Expires date. Pure: no I/O and no
// Beast types, fuzzed in tests/fuzz. Format: docs/api/http.md
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/error.h"

namespace vigil::http {

inline constexpr std::string_view kTusVersion = "1.0.0";
inline constexpr std::string_view kTusExtensions = "creation,termination,expiration,checksum";
inline constexpr std::string_view kTusChecksumAlgorithms = "sha256";
inline constexpr std::string_view kTusPatchContentType = "application/offset+octet-stream";

inline constexpr std::size_t kMaxUploadMetadataPairs = 32;
inline constexpr std::size_t kMaxUploadMetadataBytes = 4096;  // the header value as sent

// True for a Tus-Resumable value this server speaks: exactly "1.0.0".
bool IsSupportedTusVersion(std::string_view tus_resumable);

// Upload-Length and Upload-Offset: a non-negative decimal integer of 1 to 19 digits (so every
// value fits in 64 bits), with no sign, white space or leading zero ("0" itself is fine: one
// value, one spelling). Fails with kInvalidArgument otherwise.
Result<std::uint64_t> ParseUploadLength(std::string_view text);
Result<std::uint64_t> ParseUploadOffset(std::string_view text);

using UploadMetadata = std::vector<std::pair<std::string, std::string>>;

// Upload-Metadata: one or more comma-separated pairs, each `key` or `key value`, with optional
// spaces or tabs around a pair. A key is printable ASCII without space or comma, unique; a value
// is padded standard base64 (strict: base/base64.h) and is returned decoded, as bytes that may be
// anything (never use them in a header or a path unchecked). Pairs keep their order. Fails with
// kInvalidArgument on malformed input (an empty header value included: send none instead), and
// kResourceExhausted over kMaxUploadMetadataBytes or kMaxUploadMetadataPairs.
Result<UploadMetadata> ParseUploadMetadata(std::string_view text);

struct UploadChecksum {
  std::string algorithm;  // "sha256", the only algorithm accepted
  std::array<std::uint8_t, 32> digest{};
};

// Upload-Checksum: `algorithm base64digest`, one space between. Fails with kInvalidArgument when
// malformed (algorithm not 1 to 32 characters of lower-case printable ASCII, base64 not strict and
// padded, a sha256 digest that is not 32 bytes), and with kFailedPrecondition for a well-formed
// value naming another algorithm (the server answers 400 "unsupported checksum algorithm").
Result<UploadChecksum> ParseUploadChecksum(std::string_view text);

// An RFC 9110 (RFC 7231) IMF-fixdate in GMT, such as "Wed, 25 Nov 2026 02:00:00 GMT", for
// Upload-Expires. Sub-second precision is truncated toward the past.
std::string FormatHttpDate(std::chrono::system_clock::time_point time);

}  // namespace vigil::http
