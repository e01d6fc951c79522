// Bech32 (BIP 173) as age uses it for `age1…` recipients and `AGE-SECRET-KEY-1…` identities:
// the original Bech32 checksum (not Bech32m) and no 90-character length limit.
#pragma once

#include <string>
#include <string_view>

#include "base/bytes.h"
#include "base/error.h"

namespace vigil {

struct Bech32Data {
  std::string hrp;  // human-readable part, in lower case
  Bytes data;       // the payload as 8-bit bytes
};

// Encodes in lower case; callers upper-case the whole string where the format wants it.
// `hrp` must be 1..83 printable ASCII characters without upper case (CHECKed: not input).
std::string Bech32Encode(std::string_view hrp, ByteSpan data);

// Accepts all-lower or all-upper case, never mixed. Fails with kInvalidArgument on a bad
// character, checksum, separator or padding.
Result<Bech32Data> Bech32Decode(std::string_view text);

}  // namespace vigil
