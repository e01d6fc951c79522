// What the server can check of a ciphertext it cannot read: that it is a well-formed age file
// addressed to the expected number of X25519 recipients, with a payload of a possible length.
// Security: T9 (the server refuses to store anything that is not age, so plaintext sent by a
// broken or hostile client is never kept).
#pragma once

#include <cstddef>
#include <string_view>

#include "base/bytes.h"
#include "base/error.h"
#include "base/io.h"

namespace vigil::reports {

// Checks a whole age file in memory. kMalformed when it is not an age file (or is armored),
// kInvalidArgument when it is addressed to another number of recipients or to a recipient
// type other than `stanza_type` ("X25519", or "scrypt" for a passphrase-encrypted identity).
Status CheckAgeFile(ByteSpan file, std::size_t recipients, std::string_view stanza_type = "X25519");

// The same for a file of `size` bytes read from `source` (only the header is read).
Status CheckAgeStream(Source& source, std::uint64_t size, std::size_t recipients,
                      std::string_view stanza_type = "X25519");

}  // namespace vigil::reports
