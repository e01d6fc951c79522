// The two sides of an age recipient type: a Recipient wraps a file key into stanzas, an Identity
// recognises its stanzas and unwraps the file key. Implementations: X25519 and scrypt.
#pragma once

#include <optional>
#include <span>
#include <vector>

#include "base/error.h"
#include "base/random.h"
#include "base/secret.h"
#include "crypto/age/header.h"

namespace vigil::age {

class Recipient {
 public:
  virtual ~Recipient() = default;
  // Wraps the 16-byte file key. Thread-compatible (const).
  virtual Result<std::vector<Stanza>> Wrap(const SecretBytes& file_key, Random& random) const = 0;
  // True if this recipient type must be the only stanza in a header (scrypt).
  virtual bool RequiresSoleStanza() const { return false; }
};

class Identity {
 public:
  virtual ~Identity() = default;
  // Returns the file key if one of `stanzas` is addressed to this identity and opens, nullopt
  // if none is (stanzas of other types are ignored), and kMalformed when a stanza of this
  // identity's type is invalid (wrong arguments, body length, low-order share, excessive work
  // factor: kResourceExhausted).
  virtual Result<std::optional<SecretBytes>> Unwrap(std::span<const Stanza> stanzas) const = 0;
};

// The stanza body both native types use: the file key sealed with ChaCha20-Poly1305 under
// `wrap_key` and an all-zero nonce (32 bytes), and its inverse. OpenFileKey returns nullopt when
// the body does not authenticate (a stanza for someone else); the caller checked its length.
Bytes SealFileKey(const SecretBytes& wrap_key, const SecretBytes& file_key);
std::optional<SecretBytes> OpenFileKey(const SecretBytes& wrap_key, ByteSpan body);

}  // namespace vigil::age
