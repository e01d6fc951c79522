#include "translog/cosignature.h"

#include <algorithm>
#include <chrono>
#include <limits>

#include "base/check.h"
#include "translog/checkpoint.h"

// Format: docs/formats/log.md
namespace vigil::translog {
namespace {

constexpr std::uint64_t kMaxTimestamp = std::numeric_limits<std::int64_t>::max();

}  // namespace

Result<CosignatureV1> DecodeCosignatureV1(ByteSpan bytes) {
  if (bytes.size() != kCosignatureV1Size)
    return MakeError(Errc::kMalformed, "cosignature: not 8 + 64 bytes");
  CosignatureV1 out;
  for (std::size_t i = 0; i < 8; ++i) out.timestamp = out.timestamp << 8 | bytes[i];
  if (out.timestamp > kMaxTimestamp)
    return MakeError(Errc::kMalformed, "cosignature: timestamp above 2^63 - 1");
  std::copy(bytes.begin() + 8, bytes.end(), out.signature.begin());
  return out;
}

Bytes EncodeCosignatureV1(const CosignatureV1& cosignature) {
  CHECK(cosignature.timestamp <= kMaxTimestamp);
  Bytes out(kCosignatureV1Size);
  for (std::size_t i = 0; i < 8; ++i)
    out[i] = static_cast<std::uint8_t>(cosignature.timestamp >> (56 - 8 * i));
  std::copy(cosignature.signature.begin(), cosignature.signature.end(), out.begin() + 8);
  return out;
}

std::string CosignatureV1Message(std::string_view checkpoint_text, std::uint64_t timestamp) {
  std::string message = "cosignature/v1\ntime ";
  message += std::to_string(timestamp);
  message += '\n';
  message += checkpoint_text;
  return message;
}

VerifierKey CosignerVerifierKey(const SignerKey& witness) {
  const crypto::Ed25519PublicKey& public_key = witness.private_key().public_key();
  return VerifierKey{witness.name(),
                     ComputeKeyId(witness.name(), kSignatureTypeCosignatureV1, public_key),
                     kSignatureTypeCosignatureV1, public_key};
}

Result<NoteSignature> CosignCheckpoint(std::string_view checkpoint_text, const SignerKey& witness,
                                       const Clock& clock) {
  VIGIL_RETURN_IF_ERROR(ParseCheckpoint(checkpoint_text));
  auto seconds = std::chrono::floor<std::chrono::seconds>(clock.Now().time_since_epoch()).count();
  if (seconds < 0) return MakeError(Errc::kFailedPrecondition, "cosignature: clock before 1970");
  CosignatureV1 cosignature;
  cosignature.timestamp = static_cast<std::uint64_t>(seconds);
  cosignature.signature = witness.private_key().Sign(
      AsBytes(CosignatureV1Message(checkpoint_text, cosignature.timestamp)));
  VerifierKey key = CosignerVerifierKey(witness);
  return NoteSignature{key.name, key.id, EncodeCosignatureV1(cosignature)};
}

Result<std::uint64_t> VerifyCosignatureBytes(const crypto::Ed25519PublicKey& public_key,
                                             std::string_view checkpoint_text, ByteSpan signature) {
  auto cosignature = DecodeCosignatureV1(signature);
  if (!cosignature)
    return MakeError(Errc::kUnauthenticated, "cosignature: " + cosignature.error().detail);
  std::string message = CosignatureV1Message(checkpoint_text, cosignature->timestamp);
  if (!crypto::Ed25519Verify(public_key, AsBytes(message), cosignature->signature))
    return MakeError(Errc::kUnauthenticated, "cosignature: signature does not verify");
  return cosignature->timestamp;
}

Result<std::uint64_t> VerifyCosignature(std::string_view checkpoint_text,
                                        const NoteSignature& cosignature,
                                        const VerifierKey& witness) {
  if (witness.type != kSignatureTypeCosignatureV1)
    return MakeError(Errc::kInvalidArgument, "cosignature: witness key is not of type 0x04");
  if (cosignature.key_name != witness.name || cosignature.key_id != witness.id)
    return MakeError(Errc::kUnauthenticated, "cosignature: line is not by this witness");
  return VerifyCosignatureBytes(witness.public_key, checkpoint_text, cosignature.signature);
}

Status AttachCosignatures(Note& note, std::span<const NoteSignature> cosignatures) {
  if (!ParseCheckpoint(note.text))
    return MakeError(Errc::kInvalidArgument, "cosignature: note text is not a checkpoint");
  if (note.signatures.empty())
    return MakeError(Errc::kFailedPrecondition, "cosignature: checkpoint note is not signed");
  std::vector<NoteSignature> lines = note.signatures;
  for (const NoteSignature& cosignature : cosignatures) {
    if (!IsValidKeyName(cosignature.key_name) || cosignature.signature.empty())
      return MakeError(Errc::kInvalidArgument, "cosignature: invalid line");
    auto it = std::find_if(lines.begin(), lines.end(), [&](const NoteSignature& s) {
      return s.key_name == cosignature.key_name && s.key_id == cosignature.key_id;
    });
    if (it != lines.end()) {
      *it = cosignature;
    } else {
      lines.push_back(cosignature);
    }
  }
  if (lines.size() > kMaxNoteSignatures)
    return MakeError(Errc::kResourceExhausted, "cosignature: note would carry more than 100 lines");
  note.signatures = std::move(lines);
  return OkStatus();
}

}  // namespace vigil::translog
