// Base64 (RFC 4648 section 4, standard alphabet), padded and unpadded.
// Decoding is strict: no whitespace, no URL-safe letters, and the unused bits of the last
// character must be zero (non-canonical encodings are rejected, as the age spec requires).
#pragma once

#include <string>
#include <string_view>

#include "base/bytes.h"
#include "base/error.h"

namespace vigil {

enum class Base64Padding { kPadded, kUnpadded };

std::string Base64Encode(ByteSpan data, Base64Padding padding = Base64Padding::kPadded);

// Fails with kInvalidArgument on any character outside the alphabet, wrong or missing padding
// for the chosen mode, an impossible length, or non-zero trailing bits.
Result<Bytes> Base64Decode(std::string_view text, Base64Padding padding = Base64Padding::kPadded);

// Length of the encoding of n bytes.
std::size_t Base64EncodedLength(std::size_t n, Base64Padding padding);

}  // namespace vigil
