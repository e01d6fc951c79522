// Identity and recipient files in the age tool's format: one key per line, `#` comments and
// blank lines ignored.
#pragma once

#include <string_view>
#include <vector>

#include "crypto/age/x25519_recipient.h"

namespace vigil::age {

// Fails with kInvalidArgument naming the first bad line by number (never by content: it may be
// a secret), or when the file holds no identity.
Result<std::vector<X25519Identity>> ParseIdentityFile(std::string_view text);

// Same rules for a file of `age1…` recipients.
Result<std::vector<X25519Recipient>> ParseRecipientsFile(std::string_view text);

}  // namespace vigil::age
