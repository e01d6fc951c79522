// Format: docs/formats/derivation.md
#include "auth/derivation.h"

#include "auth/passphrase.h"
#include "crypto/age/x25519_recipient.h"
#include "crypto/sha256.h"

namespace vigil::auth {
namespace {

constexpr std::string_view kLookupLabel = "vigil reporter lookup v1";
constexpr std::string_view kIdentityLabel = "vigil reporter identity v1";
constexpr std::string_view kLoginLabel = "vigil staff login v1";

}  // namespace

Bytes ContextSalt(std::string_view label, ByteSpan input) {
  Bytes message(label.begin(), label.end());
  message.push_back('\n');
  message.insert(message.end(), input.begin(), input.end());
  crypto::Sha256Digest digest = crypto::Sha256(message);
  return Bytes(digest.begin(), digest.begin() + crypto::kArgon2SaltSize);
}

Result<ReporterKeys> DeriveReporterKeys(std::string_view passphrase, std::string_view instance,
                                        crypto::Argon2Params cost) {
  SecretBytes normal = NormalizePassphrase(passphrase);
  if (normal.size() == 0) return MakeError(Errc::kInvalidArgument, "empty passphrase");
  ReporterKeys keys;
  VIGIL_ASSIGN_OR_RETURN(
      SecretBytes lookup,
      crypto::Argon2id(normal.span(), ContextSalt(kLookupLabel, AsBytes(instance)), cost,
                       kLookupIdSize));
  keys.lookup_id.assign(lookup.span().begin(), lookup.span().end());
  VIGIL_ASSIGN_OR_RETURN(
      SecretBytes scalar,
      crypto::Argon2id(normal.span(), ContextSalt(kIdentityLabel, AsBytes(instance)), cost, 32));
  age::X25519Identity identity(std::move(scalar));
  keys.identity = identity.Encode();
  keys.recipient = identity.ToRecipient().ToString();
  return keys;
}

Result<SecretBytes> DeriveLoginSecret(std::string_view passphrase, ByteSpan login_salt,
                                      crypto::Argon2Params cost) {
  if (login_salt.size() != kLoginSaltSize)
    return MakeError(Errc::kInvalidArgument, "a login salt is 16 bytes");
  SecretBytes normal = NormalizePassphrase(passphrase);
  if (normal.size() == 0) return MakeError(Errc::kInvalidArgument, "empty passphrase");
  return crypto::Argon2id(normal.span(), ContextSalt(kLoginLabel, login_salt), cost,
                          kLoginSecretSize);
}

}  // namespace vigil::auth
