// Format: docs/formats/receipts.md
#include "translog/receipt.h"

#include <charconv>

#include "base/base64.h"
#include "translog/audit.h"

namespace vigil::translog {
namespace {
constexpr std::string_view kHeader = "vigil-receipt/v1\n";
constexpr std::size_t kMaxProof = 64;
}  // namespace

std::string FormatReceipt(const Receipt& r) {
  std::string out(kHeader);
  out += "index " + std::to_string(r.index) + "\n";
  out += "entry " + Base64Encode(r.entry) + "\n";
  for (const Hash& h : r.proof) out += "proof " + Base64Encode(h) + "\n";
  out += "\n";
  out += r.checkpoint;
  return out;
}

Result<Receipt> ParseReceipt(std::string_view text) {
  auto bad = [](const char* what) {
    return MakeError(Errc::kMalformed, std::string("receipt: ") + what);
  };
  if (text.size() > (1 << 20)) return bad("too large");
  if (!text.starts_with(kHeader)) return bad("not a vigil-receipt/v1");
  text.remove_prefix(kHeader.size());
  Receipt r;
  auto next_line = [&](std::string_view& line) {
    std::size_t nl = text.find('\n');
    if (nl == std::string_view::npos) return false;
    line = text.substr(0, nl);
    text.remove_prefix(nl + 1);
    return true;
  };
  std::string_view line;
  if (!next_line(line) || !line.starts_with("index ")) return bad("missing index");
  std::string_view digits = line.substr(6);
  if (digits.empty() || (digits.size() > 1 && digits[0] == '0')) return bad("bad index");
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), r.index);
  if (ec != std::errc() || ptr != digits.data() + digits.size()) return bad("bad index");
  if (!next_line(line) || !line.starts_with("entry ")) return bad("missing entry");
  auto entry = Base64Decode(line.substr(6));
  if (!entry || entry->size() > kMaxEntrySize) return bad("bad entry");
  r.entry = std::move(*entry);
  while (true) {
    if (!next_line(line)) return bad("missing checkpoint");
    if (line.empty()) break;
    if (!line.starts_with("proof ") || r.proof.size() >= kMaxProof) return bad("bad proof line");
    auto hash = Base64Decode(line.substr(6));
    if (!hash || hash->size() != 32) return bad("bad proof hash");
    Hash h{};
    std::copy(hash->begin(), hash->end(), h.begin());
    r.proof.push_back(h);
  }
  r.checkpoint = std::string(text);
  return r;
}

Result<Receipt> MakeReceipt(const Fetch& fetch, const VerifierKey& log_key, std::uint64_t index) {
  VIGIL_ASSIGN_OR_RETURN(SignedCheckpoint cp, FetchCheckpoint(fetch, log_key));
  if (index >= cp.checkpoint.size)
    return MakeError(Errc::kInvalidArgument, "entry " + std::to_string(index) +
                                                 " is not in the checkpoint of size " +
                                                 std::to_string(cp.checkpoint.size) + " yet");
  TileReader reader(fetch, cp.checkpoint.size);
  Receipt r;
  r.index = index;
  VIGIL_ASSIGN_OR_RETURN(r.entry, reader.Entry(index));
  VIGIL_ASSIGN_OR_RETURN(r.proof,
                         merkle::InclusionProof(index, cp.checkpoint.size, reader.NodeHashFn()));
  VIGIL_ASSIGN_OR_RETURN(r.checkpoint, FormatNote(cp.note));
  // Never hand out a receipt that does not verify.
  VIGIL_RETURN_IF_ERROR(VerifyReceipt(r, log_key));
  return r;
}

Result<Checkpoint> VerifyReceipt(const Receipt& r, const VerifierKey& log_key) {
  auto cp = OpenCheckpointAnyOrigin(r.checkpoint, log_key);
  if (!cp) return MakeError(Errc::kUnauthenticated, "receipt checkpoint: " + cp.error().detail);
  Status s = merkle::VerifyInclusion(r.index, cp->checkpoint.size, HashLeaf(r.entry), r.proof,
                                     cp->checkpoint.root_hash);
  if (!s) return MakeError(Errc::kUnauthenticated, "receipt proof: " + s.error().detail);
  return cp->checkpoint;
}

}  // namespace vigil::translog
