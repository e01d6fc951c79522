// Format: docs/formats/log.md
#include "translog/witness.h"

#include <charconv>

#include "base/base64.h"
#include "translog/audit.h"
#include "translog/cosignature.h"

namespace vigil::translog {

std::string FormatWitnessState(const WitnessState& s) {
  return "vigil-witness-state/v1\n" + s.origin + "\n" + std::to_string(s.size) + "\n" +
         Base64Encode(s.root) + "\n";
}

Result<WitnessState> ParseWitnessState(std::string_view text) {
  auto bad = [] { return MakeError(Errc::kMalformed, "not a witness state file"); };
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    std::size_t nl = text.find('\n');
    if (nl == std::string_view::npos) return bad();
    lines.push_back(text.substr(0, nl));
    text.remove_prefix(nl + 1);
  }
  if (lines.size() != 4 || lines[0] != "vigil-witness-state/v1" || lines[1].empty()) return bad();
  WitnessState s;
  s.origin = std::string(lines[1]);
  // Canonical decimal only: one state has one encoding.
  if (lines[2].empty() || (lines[2].size() > 1 && lines[2][0] == '0')) return bad();
  auto [ptr, ec] = std::from_chars(lines[2].data(), lines[2].data() + lines[2].size(), s.size);
  if (ec != std::errc() || ptr != lines[2].data() + lines[2].size()) return bad();
  auto root = Base64Decode(lines[3]);
  if (!root || root->size() != 32) return bad();
  std::copy(root->begin(), root->end(), s.root.begin());
  return s;
}

Result<WitnessResult> WitnessCheckpoint(const Fetch& fetch, const VerifierKey& log_key,
                                        const std::optional<WitnessState>& previous,
                                        const SignerKey& witness, const Clock& clock) {
  VIGIL_ASSIGN_OR_RETURN(SignedCheckpoint signed_cp, FetchCheckpoint(fetch, log_key));
  const Checkpoint& cp = signed_cp.checkpoint;
  auto refuse = [](std::string why) { return MakeError(Errc::kUnauthenticated, std::move(why)); };
  WitnessResult result;
  if (previous) {
    if (previous->origin != cp.origin)
      return refuse("the checkpoint is for another log (" + cp.origin + ")");
    if (cp.size < previous->size)
      return refuse("the log shrank from " + std::to_string(previous->size) + " to " +
                    std::to_string(cp.size));
    if (cp.size == previous->size) {
      if (cp.root_hash != previous->root)
        return refuse("a fork: another root at size " + std::to_string(cp.size));
    } else if (previous->size > 0) {
      TileReader reader(fetch, cp.size);
      auto proof = merkle::ConsistencyProof(previous->size, cp.size, reader.NodeHashFn());
      if (!proof)
        return refuse("cannot build a consistency proof from the tiles: " + proof.error().detail);
      if (Status s = merkle::VerifyConsistency(previous->size, cp.size, *proof, previous->root,
                                               cp.root_hash);
          !s)
        return refuse("a fork: the checkpoint is not consistent with size " +
                      std::to_string(previous->size));
    }
    result.advanced = cp.size > previous->size;
  } else {
    result.advanced = true;
  }
  VIGIL_ASSIGN_OR_RETURN(NoteSignature cosignature,
                         CosignCheckpoint(signed_cp.note.text, witness, clock));
  Note note = signed_cp.note;
  VIGIL_RETURN_IF_ERROR(AttachCosignatures(note, std::span<const NoteSignature>(&cosignature, 1)));
  VIGIL_ASSIGN_OR_RETURN(result.cosigned, FormatNote(note));
  result.state = WitnessState{cp.origin, cp.size, cp.root_hash};
  return result;
}

}  // namespace vigil::translog
