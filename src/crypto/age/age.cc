// Format: docs/formats/age.md ("Payload")
#include "crypto/age/age.h"

#include <algorithm>
#include <cstring>
#include <thread>

#include "base/base64.h"
#include "base/check.h"
#include "crypto/age/armor.h"
#include "crypto/hmac.h"

namespace vigil::age {
namespace {

std::size_t ThreadCount(const StreamOptions& options) {
  if (options.threads != 0) return options.threads;
  return std::clamp<std::size_t>(std::thread::hardware_concurrency(), 1, 8);
}

// STREAM nonce: 11-byte big-endian counter, then the final-chunk flag.
crypto::AeadNonce ChunkNonce(std::uint64_t counter, bool final_chunk) {
  crypto::AeadNonce nonce{};
  for (int i = 0; i < 8; ++i) nonce[10 - i] = static_cast<std::uint8_t>(counter >> (8 * i));
  nonce[11] = final_chunk ? 1 : 0;
  return nonce;
}

SecretBytes PayloadKey(const SecretBytes& file_key, ByteSpan nonce) {
  return crypto::HkdfSha256(file_key.span(), nonce, AsBytes("payload"), crypto::kAeadKeySize);
}

Error Corrupt(std::string detail) { return MakeError(Errc::kCorrupt, std::move(detail)); }

}  // namespace

PayloadBatch::PayloadBatch(const SecretBytes& payload_key, const StreamOptions& options)
    : capacity_(ThreadCount(options) * std::max<std::size_t>(1, options.chunks_per_thread)) {
  std::size_t threads = ThreadCount(options);
  for (std::size_t i = 0; i < threads; ++i)
    aeads_.push_back(std::make_unique<crypto::ChaCha20Poly1305>(payload_key.span(), options.backend));
}

void PayloadBatch::Reserve(std::size_t slots) {
  CHECK(slots <= capacity_);
  // Small files stay small: the buffer grows in doubling steps up to a full batch.
  std::size_t want = slots * kSealedChunkSize;
  if (buffer_.size() >= want) return;
  buffer_.resize(std::min(std::max(want, buffer_.size() * 2), capacity_ * kSealedChunkSize));
}

void PayloadBatch::Run(std::size_t n, const std::function<void(std::size_t, std::size_t)>& fn) {
  if (n > 1 && aeads_.size() > 1 && pool_ == nullptr)
    pool_ = std::make_unique<ParallelFor>(aeads_.size());
  if (pool_ == nullptr) {
    for (std::size_t i = 0; i < n; ++i) fn(0, i);
  } else {
    pool_->Run(n, fn);
  }
}

void PayloadBatch::Seal(std::uint64_t first_counter, std::span<const std::size_t> plain_sizes,
                        bool final_batch) {
  const std::size_t n = plain_sizes.size();
  Run(n, [&](std::size_t worker, std::size_t i) {
    std::uint8_t* p = slot(i);
    aeads_[worker]->Seal(ChunkNonce(first_counter + i, final_batch && i + 1 == n),
                         ByteSpan(p, plain_sizes[i]),
                         MutableByteSpan(p, plain_sizes[i] + crypto::kAeadTagSize));
  });
}

void PayloadBatch::Open(std::uint64_t first_counter, std::span<const std::size_t> sealed_sizes,
                        std::span<const char> final, std::span<char> ok) {
  if (plain_.size() < sealed_sizes.size() * kChunkSize)
    plain_.resize(std::min(std::max(sealed_sizes.size() * kChunkSize, plain_.size() * 2),
                           capacity_ * kChunkSize));
  Run(sealed_sizes.size(), [&](std::size_t worker, std::size_t i) {
    ok[i] = aeads_[worker]->Open(ChunkNonce(first_counter + i, final[i] != 0),
                                 ByteSpan(slot(i), sealed_sizes[i]),
                                 MutableByteSpan(plain_.data() + i * kChunkSize,
                                                 sealed_sizes[i] - crypto::kAeadTagSize));
  });
}

bool PayloadBatch::OpenOne(std::uint64_t counter, std::size_t i, std::size_t sealed_size, bool final) {
  return aeads_[0]->Open(ChunkNonce(counter, final), ByteSpan(slot(i), sealed_size),
                         MutableByteSpan(plain_.data() + i * kChunkSize,
                                         sealed_size - crypto::kAeadTagSize));
}

// ---------------------------------------------------------------------------------------------

Encryptor::Encryptor(Sink& out, std::unique_ptr<ArmorWriter> armor, const SecretBytes& payload_key,
                     const StreamOptions& options)
    : out_(armor ? *armor : out), armor_(std::move(armor)), batch_(payload_key, options) {}

Encryptor::~Encryptor() = default;

Result<std::unique_ptr<Encryptor>> Encryptor::Create(Sink& out,
                                                     std::span<const Recipient* const> recipients,
                                                     Random& random, const EncryptOptions& options) {
  if (recipients.empty()) return MakeError(Errc::kInvalidArgument, "no recipients");
  for (const Recipient* r : recipients) {
    if (r->RequiresSoleStanza() && recipients.size() > 1)
      return MakeError(Errc::kInvalidArgument, "a passphrase cannot be combined with other recipients");
  }
  SecretBytes file_key(kFileKeySize);
  random.Fill(file_key.span());
  std::vector<Stanza> stanzas;
  for (const Recipient* r : recipients) {
    VIGIL_ASSIGN_OR_RETURN(std::vector<Stanza> wrapped, r->Wrap(file_key, random));
    for (Stanza& s : wrapped) stanzas.push_back(std::move(s));
  }
  std::string header = EncodeHeaderWithoutMac(stanzas);
  Bytes mac = ComputeHeaderMac(file_key, header);
  header += ' ';
  header += Base64Encode(mac, Base64Padding::kUnpadded);
  header += '\n';
  Bytes nonce = random.Generate(kPayloadNonceSize);

  std::unique_ptr<ArmorWriter> armor;
  if (options.armor) armor = std::make_unique<ArmorWriter>(out);
  std::unique_ptr<Encryptor> enc(
      new Encryptor(out, std::move(armor), PayloadKey(file_key, nonce), options.stream));
  VIGIL_RETURN_IF_ERROR(enc->out_.Write(AsBytes(header)));
  VIGIL_RETURN_IF_ERROR(enc->out_.Write(nonce));
  return enc;
}

Status Encryptor::Write(ByteSpan data) {
  if (closed_) return MakeError(Errc::kFailedPrecondition, "write after close");
  const std::size_t batch_bytes = batch_.capacity() * kChunkSize;
  while (!data.empty()) {
    // A full batch is sealed only once more data arrives: the last chunk must carry the final flag.
    if (pending_ == batch_bytes) VIGIL_RETURN_IF_ERROR(FlushBatch(false));
    std::size_t index = pending_ / kChunkSize;
    std::size_t offset = pending_ % kChunkSize;
    std::size_t n = std::min(kChunkSize - offset, data.size());
    batch_.Reserve(index + 1);
    std::memcpy(batch_.slot(index) + offset, data.data(), n);
    pending_ += n;
    data = data.subspan(n);
  }
  return OkStatus();
}

Status Encryptor::FlushBatch(bool final_batch) {
  // Only an empty file has an empty final chunk.
  CHECK(pending_ > 0 || (final_batch && counter_ == 0));
  std::size_t chunks = pending_ == 0 ? 1 : (pending_ + kChunkSize - 1) / kChunkSize;
  std::vector<std::size_t> sizes(chunks, kChunkSize);
  sizes.back() = pending_ - (chunks - 1) * kChunkSize;
  batch_.Reserve(chunks);
  batch_.Seal(counter_, sizes, final_batch);
  // Every chunk but the last fills its slot, so the sealed chunks are contiguous.
  std::size_t total = (chunks - 1) * kSealedChunkSize + sizes.back() + crypto::kAeadTagSize;
  VIGIL_RETURN_IF_ERROR(out_.Write(ByteSpan(batch_.data(), total)));
  counter_ += chunks;
  pending_ = 0;
  return OkStatus();
}

Status Encryptor::Close() {
  if (closed_) return MakeError(Errc::kFailedPrecondition, "closed twice");
  closed_ = true;
  VIGIL_RETURN_IF_ERROR(FlushBatch(true));
  if (armor_) VIGIL_RETURN_IF_ERROR(armor_->Close());
  return OkStatus();
}

// ---------------------------------------------------------------------------------------------

// The input stack: raw bytes, optional armor decoding, and the buffered stream the header parser
// and the payload reader share.
struct Decryptor::Layers {
  explicit Layers(Source& in) : raw(in) {}
  BufferedSource raw;
  std::unique_ptr<ArmorReader> armor;
  std::unique_ptr<BufferedSource> dearmored;
  BufferedSource& stream() { return dearmored ? *dearmored : raw; }
};

Decryptor::Decryptor(std::unique_ptr<Layers> layers, const SecretBytes& payload_key,
                     const StreamOptions& options)
    : layers_(std::move(layers)), batch_(payload_key, options) {}

Decryptor::~Decryptor() = default;

Result<std::unique_ptr<Decryptor>> Decryptor::Open(Source& in,
                                                   std::span<const Identity* const> identities,
                                                   const DecryptOptions& options) {
  auto layers = std::make_unique<Layers>(in);
  VIGIL_ASSIGN_OR_RETURN(ByteSpan prefix, layers->raw.Peek(1100));
  if (prefix.empty()) return MakeError(Errc::kMalformed, "empty input");
  bool armored = options.armor == ArmorMode::kArmored ||
                 (options.armor == ArmorMode::kDetect && LooksArmored(prefix));
  if (armored) {
    layers->armor = std::make_unique<ArmorReader>(layers->raw);
    layers->dearmored = std::make_unique<BufferedSource>(*layers->armor);
  }
  BufferedSource& stream = layers->stream();
  VIGIL_ASSIGN_OR_RETURN(Header header, ParseHeader(stream, options.header_limits));

  std::optional<SecretBytes> file_key;
  for (const Identity* identity : identities) {
    VIGIL_ASSIGN_OR_RETURN(file_key, identity->Unwrap(header.stanzas));
    if (file_key) break;
  }
  if (!file_key) return MakeError(Errc::kNoMatch, "no identity matched any recipient");
  Bytes mac = ComputeHeaderMac(*file_key, header.signed_part);
  if (!ConstantTimeEqual(mac, header.mac)) return MakeError(Errc::kBadHeaderMac, "header MAC does not verify");

  Bytes nonce(kPayloadNonceSize);
  VIGIL_ASSIGN_OR_RETURN(std::size_t got, ReadFull(stream, nonce));
  if (got != kPayloadNonceSize) return MakeError(Errc::kMalformed, "missing payload nonce");
  return std::unique_ptr<Decryptor>(
      new Decryptor(std::move(layers), PayloadKey(*file_key, nonce), options.stream));
}

Status Decryptor::NextBatch() {
  BufferedSource& in = layers_->stream();
  const std::size_t capacity_bytes = batch_.capacity() * kSealedChunkSize;
  std::size_t pos = 0;
  if (carry_) {
    batch_.Reserve(1);
    batch_.data()[0] = carry_byte_;
    pos = 1;
    carry_ = false;
  }
  bool eof = false;
  while (pos < capacity_bytes) {
    batch_.Reserve(pos / kSealedChunkSize + 1);
    std::size_t want = kSealedChunkSize - pos % kSealedChunkSize;
    VIGIL_ASSIGN_OR_RETURN(std::size_t n, ReadFull(in, MutableByteSpan(batch_.data() + pos, want)));
    pos += n;
    if (n < want) {
      eof = true;
      break;
    }
  }
  if (!eof) {
    // One byte of look-ahead tells whether the batch's last chunk is the final one.
    VIGIL_ASSIGN_OR_RETURN(std::size_t n, ReadFull(in, MutableByteSpan(&carry_byte_, 1)));
    eof = n == 0;
    carry_ = !eof;
  }

  plain_sizes_.clear();
  chunk_ = 0;
  chunk_pos_ = 0;
  if (pos == 0) {
    failure_ = Corrupt("no payload chunks");
    return OkStatus();
  }
  std::size_t chunks = (pos + kSealedChunkSize - 1) / kSealedChunkSize;
  std::vector<std::size_t> sizes(chunks, kSealedChunkSize);
  sizes.back() = pos - (chunks - 1) * kSealedChunkSize;
  Settle(sizes, eof, carry_);
  counter_ += chunks;
  return OkStatus();
}

// The rules follow the reference implementation so that exactly the same plaintext is released
// before a failure: a full chunk is tried as a middle chunk, then as the final one; only a short
// chunk at the end of the stream is final from the start; after the final chunk nothing may follow.
void Decryptor::Settle(std::span<const std::size_t> sizes, bool eof, bool more_after_batch) {
  const std::size_t n = sizes.size();
  const bool short_tail = eof && sizes.back() < kSealedChunkSize;
  // A tail chunk too small to hold a tag, or empty though not the first, is never opened.
  const bool bad_tail = short_tail && (sizes.back() < crypto::kAeadTagSize ||
                                       (sizes.back() == crypto::kAeadTagSize && counter_ + n > 1));
  const std::size_t to_open = bad_tail ? n - 1 : n;
  std::vector<char> final(to_open, 0), ok(to_open, 0);
  if (short_tail && !bad_tail) final.back() = 1;
  batch_.Open(counter_, sizes.first(to_open), final, ok);

  for (std::size_t i = 0; i < to_open; ++i) {
    bool is_final = final[i] != 0;
    if (!ok[i] && !is_final) {
      is_final = true;
      ok[i] = batch_.OpenOne(counter_ + i, i, sizes[i], true);
    }
    if (!ok[i]) {
      failure_ = Corrupt("payload chunk " + std::to_string(counter_ + i) + " failed authentication");
      return;
    }
    plain_sizes_.push_back(sizes[i] - crypto::kAeadTagSize);
    if (is_final) {
      if (i + 1 < n || more_after_batch) {
        failure_ = Corrupt("data after the final chunk");
      } else {
        finished_ = true;
      }
      return;
    }
  }
  if (bad_tail) {
    failure_ = Corrupt("truncated or empty final chunk");
  } else if (eof) {
    failure_ = Corrupt("the stream ends without a final chunk");
  }
}

Result<std::size_t> Decryptor::Read(MutableByteSpan out) {
  std::size_t done = 0;
  while (done < out.size()) {
    if (chunk_ < plain_sizes_.size()) {
        std::size_t n = std::min(out.size() - done, plain_sizes_[chunk_] - chunk_pos_);
      std::memcpy(out.data() + done, batch_.plain_slot(chunk_) + chunk_pos_, n);
      done += n;
      chunk_pos_ += n;
      if (chunk_pos_ == plain_sizes_[chunk_]) {
        ++chunk_;
        chunk_pos_ = 0;
      }
      continue;
    }
    if (failure_) {
      if (done > 0) return done;
      return *failure_;
    }
    if (finished_) break;
    VIGIL_RETURN_IF_ERROR(NextBatch());
  }
  return done;
}

Result<Bytes> EncryptBytes(ByteSpan plaintext, std::span<const Recipient* const> recipients,
                           Random& random, const EncryptOptions& options) {
  Bytes out;
  BytesSink sink(out);
  VIGIL_ASSIGN_OR_RETURN(auto enc, Encryptor::Create(sink, recipients, random, options));
  VIGIL_RETURN_IF_ERROR(enc->Write(plaintext));
  VIGIL_RETURN_IF_ERROR(enc->Close());
  return out;
}

Result<Bytes> DecryptBytes(ByteSpan ciphertext, std::span<const Identity* const> identities,
                           const DecryptOptions& options) {
  MemorySource source(ciphertext);
  VIGIL_ASSIGN_OR_RETURN(auto dec, Decryptor::Open(source, identities, options));
  Bytes out;
  Bytes buf(kChunkSize);
  while (true) {
    VIGIL_ASSIGN_OR_RETURN(std::size_t n, dec->Read(buf));
    if (n == 0) break;
    out.insert(out.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(n));
  }
  return out;
}

}  // namespace vigil::age
