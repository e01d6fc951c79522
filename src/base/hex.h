// Lower-case hexadecimal encoding.
#pragma once

#include <string>
#include <string_view>

#include "base/bytes.h"
#include "base/error.h"

namespace vigil {

std::string HexEncode(ByteSpan data);
// Accepts upper and lower case; fails with kInvalidArgument on odd length or a non-hex digit.
Result<Bytes> HexDecode(std::string_view text);

}  // namespace vigil
