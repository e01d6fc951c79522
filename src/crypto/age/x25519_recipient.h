// The X25519 recipient type: `age1…` recipients and `AGE-SECRET-KEY-1…` identities.
// Format: docs/formats/age.md ("X25519").
#pragma once

#include <string>
#include <string_view>

#include "crypto/age/recipient.h"
#include "crypto/x25519.h"

namespace vigil::age {

class X25519Recipient final : public Recipient {
 public:
  explicit X25519Recipient(const crypto::X25519PublicKey& key) : key_(key) {}
  // Parses "age1…" (lower case Bech32, 32-byte key); kInvalidArgument otherwise.
  static Result<X25519Recipient> Parse(std::string_view text);

  std::string ToString() const;
  const crypto::X25519PublicKey& key() const { return key_; }
  Result<std::vector<Stanza>> Wrap(const SecretBytes& file_key, Random& random) const override;

 private:
  crypto::X25519PublicKey key_;
};

class X25519Identity final : public Identity {
 public:
  explicit X25519Identity(SecretBytes secret);
  static X25519Identity Generate(Random& random);
  // Parses "AGE-SECRET-KEY-1…" (upper case Bech32, 32-byte scalar); kInvalidArgument otherwise.
  static Result<X25519Identity> Parse(std::string_view text);

  // The Bech32 encoding. Security: the result is a secret; callers must not log it.
  SecretBytes Encode() const;
  X25519Recipient ToRecipient() const { return X25519Recipient(public_key_); }
  Result<std::optional<SecretBytes>> Unwrap(std::span<const Stanza> stanzas) const override;

 private:
  SecretBytes secret_;
  crypto::X25519PublicKey public_key_;
};

}  // namespace vigil::age
