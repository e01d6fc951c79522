// C2SP tlog-cosignature `cosignature/v1`: a witness's timestamped Ed25519 signature (type 0x04)
// over a checkpoint it has checked, carried as one more signature line on the checkpoint note.
// Format: docs/formats/log.md
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "base/bytes.h"
#include "base/clock.h"
#include "base/error.h"
#include "crypto/ed25519.h"
#include "translog/signed_note.h"

namespace vigil::translog {

// The signature bytes of a cosignature line (after the key id): `timestamped_signature`.
inline constexpr std::size_t kCosignatureV1Size = 8 + crypto::kEd25519SignatureSize;

struct CosignatureV1 {
  std::uint64_t timestamp = 0;  // POSIX seconds; at most 2^63 - 1
  crypto::Ed25519Signature signature{};

  friend bool operator==(const CosignatureV1&, const CosignatureV1&) = default;
};

// Fails with kMalformed unless `bytes` is exactly 72 bytes with a timestamp below 2^63.
Result<CosignatureV1> DecodeCosignatureV1(ByteSpan bytes);

// 8-byte big-endian timestamp then the signature. `cosignature.timestamp` must be below 2^63
// (CHECKed: it comes from a clock or a decoded cosignature, never raw input).
Bytes EncodeCosignatureV1(const CosignatureV1& cosignature);

// The message a cosignature signs: "cosignature/v1\ntime <timestamp>\n" then the whole checkpoint
// note text (extension lines included).
std::string CosignatureV1Message(std::string_view checkpoint_text, std::uint64_t timestamp);

// The type 0x04 verifier key of the witness that cosigns with `witness`. A witness keeps an
// ordinary signer key string; only the key id (and type byte) differ from its type 0x01 vkey.
VerifierKey CosignerVerifierKey(const SignerKey& witness);

// Cosigns `checkpoint_text` as the witness `witness`, stamped with `clock`'s current time in
// whole seconds. Returns the signature line to attach. The caller must first have checked the
// checkpoint is consistent with the largest one it has seen for that origin: that is what a
// cosignature asserts. Fails with kMalformed when the text is not a checkpoint and
// kFailedPrecondition when the clock reads before 1970. Thread-safe.
Result<NoteSignature> CosignCheckpoint(std::string_view checkpoint_text, const SignerKey& witness,
                                       const Clock& clock);

// Verifies the cosignature bytes `signature` over `checkpoint_text` with the witness public key.
// Returns the timestamp. Fails with kUnauthenticated when the bytes are not a well-formed
// timestamped signature or do not verify.
Result<std::uint64_t> VerifyCosignatureBytes(const crypto::Ed25519PublicKey& public_key,
                                             std::string_view checkpoint_text, ByteSpan signature);

// Verifies one cosignature line over `checkpoint_text` against the witness key `witness` (which
// must be of type 0x04, else kInvalidArgument). Returns the cosignature's timestamp so the caller
// can judge freshness (the spec lets verifiers reject future times). Fails with kUnauthenticated
// when the line's key name or id is not the witness's, or the signature does not verify.
Result<std::uint64_t> VerifyCosignature(std::string_view checkpoint_text,
                                        const NoteSignature& cosignature,
                                        const VerifierKey& witness);

// Attaches cosignature lines to a signed checkpoint note, after its existing lines; a line with
// the same key name and id as one already present replaces it. Does not verify them: attach
// only what VerifyCosignature accepted. Fails, leaving `note` unchanged, with kInvalidArgument
// when the note text is not a checkpoint or a line has an invalid key name or empty signature,
// kFailedPrecondition when the note carries no signature yet, and kResourceExhausted when it
// would carry more than kMaxNoteSignatures.
Status AttachCosignatures(Note& note, std::span<const NoteSignature> cosignatures);

}  // namespace vigil::translog
