// Base32 (RFC 4648 section 6, upper case, no padding), the encoding authenticator apps expect
// for TOTP secrets in otpauth:// links.
#pragma once

#include <string>

#include "base/bytes.h"
#include "base/error.h"

namespace vigil {

std::string Base32Encode(ByteSpan data);

// Decodes upper-case Base32 without padding; kInvalidArgument for anything else.
Result<Bytes> Base32Decode(std::string_view text);

}  // namespace vigil
