// Base32 (RFC 4648 section 6, upper case, no padding), the encoding authenticator apps expect
// for TOTP secrets in otpauth:// links.
#pragma once

#include <string>

#include "base/bytes.h"

namespace vigil {

std::string Base32Encode(ByteSpan data);

}  // namespace vigil
