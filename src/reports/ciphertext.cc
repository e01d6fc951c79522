// Format: docs/formats/age.md
#include "reports/ciphertext.h"

#include "crypto/age/header.h"

namespace vigil::reports {
namespace {

constexpr std::uint64_t kNonceSize = 16;
constexpr std::uint64_t kTagSize = 16;
constexpr std::uint64_t kChunkSize = 64 * 1024;
// The read-ahead buffer; a Peek of its whole size returns everything it holds.
constexpr std::size_t kPeekSize = 64 * 1024;

// Counts the bytes a source yields without keeping them.
class CountingSource final : public Source {
 public:
  explicit CountingSource(Source& inner) : inner_(inner) {}
  Result<std::size_t> Read(MutableByteSpan out) override {
    VIGIL_ASSIGN_OR_RETURN(std::size_t n, inner_.Read(out));
    count_ += n;
    return n;
  }
  std::uint64_t count() const { return count_; }

 private:
  Source& inner_;
  std::uint64_t count_ = 0;
};

// A payload is a 16-byte nonce and then chunks of 64 KiB plaintext plus a 16-byte tag, the last
// one shorter and not empty unless it is the only one.
bool IsPossiblePayloadSize(std::uint64_t size) {
  if (size < kNonceSize + kTagSize) return false;
  std::uint64_t chunks = size - kNonceSize;
  std::uint64_t last = chunks % (kChunkSize + kTagSize);
  if (chunks == 0) return false;
  if (last == 0) return true;  // ends on a full chunk
  if (last < kTagSize) return false;
  return last > kTagSize || chunks == kTagSize;  // an empty last chunk only when it is the only one
}

}  // namespace

Status CheckAgeStream(Source& source, std::uint64_t size, std::size_t recipients,
                      std::string_view stanza_type) {
  CountingSource counting(source);
  BufferedSource buffered(counting, kPeekSize);
  age::HeaderLimits limits;
  limits.max_header_bytes = 64 * 1024;
  limits.max_stanzas = 64;
  auto header = age::ParseHeader(buffered, limits);
  if (!header) return MakeError(Errc::kMalformed, "not an age file: " + header.error().detail);
  if (header->stanzas.size() != recipients)
    return MakeError(Errc::kInvalidArgument, "the age file has " +
                                                 std::to_string(header->stanzas.size()) +
                                                 " recipients, not " + std::to_string(recipients));
  for (const auto& stanza : header->stanzas)
    if (stanza.type != stanza_type)
      return MakeError(Errc::kInvalidArgument, "the age file has a recipient of another type");
  // The header's length: what was read less what is still buffered.
  VIGIL_ASSIGN_OR_RETURN(ByteSpan ahead, buffered.Peek(kPeekSize));
  std::uint64_t header_size = counting.count() - ahead.size();
  if (header_size > size || !IsPossiblePayloadSize(size - header_size))
    return MakeError(Errc::kMalformed, "the age payload is truncated");
  return OkStatus();
}

Status CheckAgeFile(ByteSpan file, std::size_t recipients, std::string_view stanza_type) {
  MemorySource source(file);
  return CheckAgeStream(source, file.size(), recipients, stanza_type);
}

}  // namespace vigil::reports
