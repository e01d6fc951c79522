// Secrets derived on the user's device from a passphrase (docs/formats/derivation.md). The
// browser computes the same bytes (issue 6); testdata/derivation/ holds vectors both sides check.
// The server derives only in two places: the no-JavaScript form (a passphrase it generates and
// shows once), and tests.
#pragma once

#include <string>
#include <string_view>

#include "base/bytes.h"
#include "base/error.h"
#include "base/secret.h"
#include "crypto/argon2.h"

namespace vigil::auth {

// The cost of every passphrase derivation: Argon2id, 3 passes over 64 MiB, one lane.
inline constexpr crypto::Argon2Params kPassphraseCost{3, 64 * 1024};
inline constexpr std::size_t kLookupIdSize = 32;
inline constexpr std::size_t kLoginSaltSize = 16;
inline constexpr std::size_t kLoginSecretSize = 32;

// What a reporter's passphrase yields on one instance (named by its log origin).
struct ReporterKeys {
  Bytes lookup_id;        // sent to the server, which keeps only a hash of it
  SecretBytes identity;   // "AGE-SECRET-KEY-1…", never sent
  std::string recipient;  // "age1…", sent with the report
};

// Both derivations for `passphrase` (normalised first). `instance` is the log origin, so one
// passphrase used on two instances gives unrelated keys.
Result<ReporterKeys> DeriveReporterKeys(std::string_view passphrase, std::string_view instance,
                                        crypto::Argon2Params cost = kPassphraseCost);

// The login secret of a staff member: what the browser sends instead of the passphrase.
// `login_salt` is the account's random 16 bytes, public (the server hands it out).
Result<SecretBytes> DeriveLoginSecret(std::string_view passphrase, ByteSpan login_salt,
                                      crypto::Argon2Params cost = kPassphraseCost);

// The Argon2id salt of a context: the first 16 bytes of SHA-256(label || "\n" || input).
Bytes ContextSalt(std::string_view label, ByteSpan input);

}  // namespace vigil::auth
