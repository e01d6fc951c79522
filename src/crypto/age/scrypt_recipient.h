// The scrypt (passphrase) recipient type.
// Format: docs/formats/age.md ("scrypt").
#pragma once

#include "crypto/age/recipient.h"

namespace vigil::age {

// age's default work factor: 2^18, about one second and 256 MiB.
inline constexpr int kDefaultScryptWorkFactor = 18;
// The largest work factor accepted on decryption by default, as the age tool does: a hostile
// file cannot make us spend more than 2^22 (4 GiB, tens of seconds).
inline constexpr int kDefaultMaxScryptWorkFactor = 22;

class ScryptRecipient final : public Recipient {
 public:
  // `work_factor` is log2(N), 1..30 (CHECKed).
  ScryptRecipient(SecretBytes passphrase, int work_factor = kDefaultScryptWorkFactor);
  Result<std::vector<Stanza>> Wrap(const SecretBytes& file_key, Random& random) const override;
  bool RequiresSoleStanza() const override { return true; }

 private:
  SecretBytes passphrase_;
  int work_factor_;
};

class ScryptIdentity final : public Identity {
 public:
  explicit ScryptIdentity(SecretBytes passphrase, int max_work_factor = kDefaultMaxScryptWorkFactor)
      : passphrase_(std::move(passphrase)), max_work_factor_(max_work_factor) {}
  // Also rejects (kMalformed) a header where an scrypt stanza is not the only stanza.
  Result<std::optional<SecretBytes>> Unwrap(std::span<const Stanza> stanzas) const override;

 private:
  SecretBytes passphrase_;
  int max_work_factor_;
};

}  // namespace vigil::age
