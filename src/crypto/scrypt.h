// scrypt (RFC 7914) with r = 8 and p = 1, as age uses it, libsodium.
#pragma once

#include "base/bytes.h"
#include "base/error.h"
#include "base/secret.h"

namespace vigil::crypto {

// Derives `length` bytes with N = 2^log2_n. Fails with kResourceExhausted when libsodium cannot
// allocate the 128 * 8 * N bytes it needs, and kInvalidArgument when log2_n is outside 1..63.
Result<SecretBytes> Scrypt(ByteSpan passphrase, ByteSpan salt, int log2_n, std::size_t length);

}  // namespace vigil::crypto
