// The age v1 header: version line, recipient stanzas, MAC.
// Format: docs/formats/age.md (the C2SP age specification, "Header").
#pragma once

#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/error.h"
#include "base/io.h"
#include "base/secret.h"

namespace vigil::age {

inline constexpr std::string_view kVersionLine = "age-encryption.org/v1\n";
inline constexpr std::size_t kFileKeySize = 16;

// One recipient stanza: `-> type args...` and a binary body.
struct Stanza {
  std::string type;               // the first argument
  std::vector<std::string> args;  // the arguments after the type
  Bytes body;
};

// Limits that keep a hostile header from using unbounded memory or time.
struct HeaderLimits {
  std::size_t max_header_bytes = 1 << 20;
  std::size_t max_line_bytes = 4096;
  std::size_t max_stanzas = 4096;
};

struct Header {
  std::vector<Stanza> stanzas;
  Bytes mac;                // 32 bytes
  std::string signed_part;  // the header bytes the MAC covers: up to and including "---"
};

// Parses a header from `in`, leaving `in` positioned at the payload nonce. Strict: any deviation
// from the specification's ABNF (non-canonical base64, CR, stray spaces, wrong line lengths,
// unknown version) is kMalformed; errors of the source pass through (e.g. kBadArmor).
Result<Header> ParseHeader(BufferedSource& in, const HeaderLimits& limits = {});

// Encodes stanzas as header text without the MAC line: version line, stanzas, and "---".
std::string EncodeHeaderWithoutMac(const std::vector<Stanza>& stanzas);

// HMAC-SHA-256 over `signed_part` with the key HKDF(file_key, "", "header").
Bytes ComputeHeaderMac(const SecretBytes& file_key, std::string_view signed_part);

}  // namespace vigil::age
