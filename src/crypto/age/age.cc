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

void PayloadBatch::Reserve(std::size_t slots, std::size_t capacity) {
  CHECK(slots <= capacity);
  std::size_t want = slots * kSealedChunkSize;
  if (sealed.size() >= want) return;
  sealed.resize(std::min(std::max(want, sealed.size() * 2), capacity * kSealedChunkSize));
}

ChunkCipher::ChunkCipher(const SecretBytes& payload_key, const StreamOptions& options)
    : capacity_(ThreadCount(options) * std::max<std::size_t>(1, options.chunks_per_thread)),
      pool_(ThreadCount(options)) {
  for (std::size_t i = 0; i < pool_.threads(); ++i)
    aeads_.push_back(
        std::make_unique<crypto::ChaCha20Poly1305>(payload_key.span(), options.backend));
}

void ChunkCipher::StartSeal(PayloadBatch& batch, bool final_batch) {
  const std::size_t n = batch.sizes.size();
  in_flight_ = true;
  pool_.Start(n, [this, &batch, n, final_batch](std::size_t worker, std::size_t i) {
    std::uint8_t* p = batch.slot(i);
    aeads_[worker]->Seal(ChunkNonce(batch.first_counter + i, final_batch && i + 1 == n),
                         ByteSpan(p, batch.sizes[i]),
                         MutableByteSpan(p, batch.sizes[i] + crypto::kAeadTagSize));
  });
}

void ChunkCipher::StartOpen(PayloadBatch& batch) {
  const std::size_t n = batch.sizes.size();
  if (batch.plain.size() < n * kChunkSize)
    batch.plain.resize(
        std::min(std::max(n * kChunkSize, batch.plain.size() * 2), capacity_ * kChunkSize));
  batch.ok.assign(n, 0);
  in_flight_ = true;
  pool_.Start(n, [this, &batch](std::size_t worker, std::size_t i) {
    batch.ok[i] = aeads_[worker]->Open(ChunkNonce(batch.first_counter + i, batch.final[i] != 0),
                                       ByteSpan(batch.slot(i), batch.sizes[i]),
                                       MutableByteSpan(batch.plain.data() + i * kChunkSize,
                                                       batch.sizes[i] - crypto::kAeadTagSize));
  });
}

void ChunkCipher::Wait() {
  if (!in_flight_) return;
  in_flight_ = false;
  pool_.Wait();
}

bool ChunkCipher::OpenOne(PayloadBatch& batch, std::size_t i, bool final) {
  return aeads_[0]->Open(
      ChunkNonce(batch.first_counter + i, final), ByteSpan(batch.slot(i), batch.sizes[i]),
      MutableByteSpan(batch.plain.data() + i * kChunkSize, batch.sizes[i] - crypto::kAeadTagSize));
}

// ---------------------------------------------------------------------------------------------

Encryptor::Encryptor(Sink& out, std::unique_ptr<ArmorWriter> armor, const SecretBytes& payload_key,
                     const StreamOptions& options)
    : out_(armor ? *armor : out), armor_(std::move(armor)), cipher_(payload_key, options) {}

Encryptor::~Encryptor() { cipher_.Wait(); }

Result<std::unique_ptr<Encryptor>> Encryptor::Create(Sink& out,
                                                     std::span<const Recipient* const> recipients,
                                                     Random& random,
                                                     const EncryptOptions& options) {
  if (recipients.empty()) return MakeError(Errc::kInvalidArgument, "no recipients");
  for (const Recipient* r : recipients) {
    if (r->RequiresSoleStanza() && recipients.size() > 1)
      return MakeError(Errc::kInvalidArgument,
                       "a passphrase cannot be combined with other recipients");
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
  const std::size_t batch_bytes = cipher_.capacity() * kChunkSize;
  while (!data.empty()) {
    // A full batch is sealed only once more data arrives: the last chunk must carry the final flag.
    if (pending_ == batch_bytes) VIGIL_RETURN_IF_ERROR(Dispatch());
    std::size_t index = pending_ / kChunkSize;
    std::size_t offset = pending_ % kChunkSize;
    std::size_t n = std::min(kChunkSize - offset, data.size());
    PayloadBatch& batch = batches_[current_];
    batch.Reserve(index + 1, cipher_.capacity());
    std::memcpy(batch.slot(index) + offset, data.data(), n);
    pending_ += n;
    data = data.subspan(n);
  }
  return OkStatus();
}

Status Encryptor::ReadFrom(Source& in) {
  if (closed_) return MakeError(Errc::kFailedPrecondition, "write after close");
  const std::size_t batch_bytes = cipher_.capacity() * kChunkSize;
  while (true) {
    std::size_t index = pending_ / kChunkSize;
    std::size_t offset = pending_ % kChunkSize;
    if (pending_ == batch_bytes) {
      // Look one byte ahead before sealing a full batch: it must not be final if more follows.
      std::uint8_t next;
      VIGIL_ASSIGN_OR_RETURN(std::size_t got, ReadFull(in, MutableByteSpan(&next, 1)));
      if (got == 0) return OkStatus();
      VIGIL_RETURN_IF_ERROR(Dispatch());
      batches_[current_].Reserve(1, cipher_.capacity());
      batches_[current_].slot(0)[0] = next;
      pending_ = 1;
      continue;
    }
    PayloadBatch& batch = batches_[current_];
    batch.Reserve(index + 1, cipher_.capacity());
    VIGIL_ASSIGN_OR_RETURN(
        std::size_t n, in.Read(MutableByteSpan(batch.slot(index) + offset, kChunkSize - offset)));
    if (n == 0) return OkStatus();
    pending_ += n;
  }
}

// Sizes the current batch's chunks from pending_ (only an empty file has an empty chunk).
static void SizeChunks(PayloadBatch& batch, std::size_t pending, std::uint64_t counter) {
  std::size_t chunks = pending == 0 ? 1 : (pending + kChunkSize - 1) / kChunkSize;
  batch.sizes.assign(chunks, kChunkSize);
  batch.sizes.back() = pending - (chunks - 1) * kChunkSize;
  batch.first_counter = counter;
}

static std::size_t SealedBytes(const PayloadBatch& batch) {
  // Every chunk but the last fills its slot, so the sealed chunks are contiguous.
  return (batch.sizes.size() - 1) * kSealedChunkSize + batch.sizes.back() + crypto::kAeadTagSize;
}

Status Encryptor::WriteSealed(const PayloadBatch& batch) {
  return out_.Write(ByteSpan(batch.sealed.data(), SealedBytes(batch)));
}

Status Encryptor::Dispatch() {
  CHECK(pending_ > 0);
  const bool had_in_flight = cipher_.in_flight();
  cipher_.Wait();
  PayloadBatch& batch = batches_[current_];
  SizeChunks(batch, pending_, counter_);
  cipher_.StartSeal(batch, /*final_batch=*/false);
  counter_ += batch.sizes.size();
  // The previous batch is written while the workers seal this one, and then refilled.
  current_ ^= 1;
  pending_ = 0;
  if (had_in_flight) VIGIL_RETURN_IF_ERROR(WriteSealed(batches_[current_]));
  return OkStatus();
}

Status Encryptor::Close() {
  if (closed_) return MakeError(Errc::kFailedPrecondition, "closed twice");
  closed_ = true;
  CHECK(pending_ > 0 || counter_ == 0);  // only an empty file has an empty final chunk
  if (cipher_.in_flight()) {
    cipher_.Wait();
    VIGIL_RETURN_IF_ERROR(WriteSealed(batches_[current_ ^ 1]));
  }
  PayloadBatch& batch = batches_[current_];
  batch.Reserve(1, cipher_.capacity());
  SizeChunks(batch, pending_, counter_);
  cipher_.StartSeal(batch, /*final_batch=*/true);
  cipher_.Wait();
  counter_ += batch.sizes.size();
  VIGIL_RETURN_IF_ERROR(WriteSealed(batch));
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
    : layers_(std::move(layers)), cipher_(payload_key, options) {}

Decryptor::~Decryptor() { cipher_.Wait(); }

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
  if (!ConstantTimeEqual(mac, header.mac))
    return MakeError(Errc::kBadHeaderMac, "header MAC does not verify");

  Bytes nonce(kPayloadNonceSize);
  VIGIL_ASSIGN_OR_RETURN(std::size_t got, ReadFull(stream, nonce));
  if (got != kPayloadNonceSize) return MakeError(Errc::kMalformed, "missing payload nonce");
  return std::unique_ptr<Decryptor>(
      new Decryptor(std::move(layers), PayloadKey(*file_key, nonce), options.stream));
}

Status Decryptor::ReadBatch(PayloadBatch& batch) {
  BufferedSource& in = layers_->stream();
  const std::size_t capacity = cipher_.capacity();
  const std::size_t capacity_bytes = capacity * kSealedChunkSize;
  std::size_t pos = 0;
  if (carry_) {
    batch.Reserve(1, capacity);
    batch.sealed[0] = carry_byte_;
    pos = 1;
    carry_ = false;
  }
  bool eof = false;
  while (pos < capacity_bytes) {
    batch.Reserve(pos / kSealedChunkSize + 1, capacity);
    std::size_t want = kSealedChunkSize - pos % kSealedChunkSize;
    VIGIL_ASSIGN_OR_RETURN(std::size_t n,
                           ReadFull(in, MutableByteSpan(batch.sealed.data() + pos, want)));
    pos += n;
    if (n < want) {
      eof = true;
      break;
    }
  }
  if (!eof) {
    // One byte of look-ahead tells whether the batch's last chunk is the last of the stream.
    VIGIL_ASSIGN_OR_RETURN(std::size_t n, ReadFull(in, MutableByteSpan(&carry_byte_, 1)));
    eof = n == 0;
    carry_ = !eof;
  }
  batch.eof = eof;
  batch.bad_tail = false;
  batch.first_counter = next_counter_;
  batch.sizes.clear();
  batch.final.clear();
  if (pos == 0) return OkStatus();
  std::size_t chunks = (pos + kSealedChunkSize - 1) / kSealedChunkSize;
  batch.sizes.assign(chunks, kSealedChunkSize);
  batch.sizes.back() = pos - (chunks - 1) * kSealedChunkSize;
  next_counter_ += chunks;
  // A full chunk is first tried as a middle chunk (Settle retries it as the final one); a short
  // chunk at the end of the stream can only be final. A tail too small to hold a tag, or empty
  // though not the first chunk, is not opened at all.
  batch.final.assign(chunks, 0);
  const std::size_t tail = batch.sizes.back();
  if (eof && tail < kSealedChunkSize) {
    bool bad_tail = tail < crypto::kAeadTagSize ||
                    (tail == crypto::kAeadTagSize && batch.first_counter + chunks > 1);
    if (bad_tail) {
      batch.sizes.pop_back();
      batch.final.pop_back();
      batch.bad_tail = true;
    } else {
      batch.final.back() = 1;
    }
  }
  return OkStatus();
}

Status Decryptor::NextBatch() {
  plain_sizes_.clear();
  chunk_ = 0;
  chunk_pos_ = 0;
  if (!started_) {
    started_ = true;
    VIGIL_RETURN_IF_ERROR(ReadBatch(batches_[current_]));
    input_done_ = batches_[current_].eof;
    cipher_.StartOpen(batches_[current_]);
  } else {
    current_ ^= 1;  // the batch in flight becomes the current one
  }
  // The next batch is read while the workers open the current one, and opened while the
  // caller consumes the current one.
  PayloadBatch& next = batches_[current_ ^ 1];
  bool read_next = !input_done_;
  if (read_next) VIGIL_RETURN_IF_ERROR(ReadBatch(next));
  cipher_.Wait();
  if (read_next) {
    input_done_ = next.eof;
    cipher_.StartOpen(next);
  }
  Settle(batches_[current_]);
  return OkStatus();
}

// The rules follow the reference implementation so that exactly the same plaintext is released
// before a failure: a full chunk is tried as a middle chunk, then as the final one; only a short
// chunk at the end of the stream is final from the start; after the final chunk nothing may follow.
void Decryptor::Settle(PayloadBatch& batch) {
  const std::size_t opened = batch.sizes.size();
  if (opened == 0 && !batch.bad_tail) {
    failure_ = Corrupt(batch.first_counter == 0 ? "no payload chunks"
                                                : "the stream ends without a final chunk");
    return;
  }
  for (std::size_t i = 0; i < opened; ++i) {
    bool is_final = batch.final[i] != 0;
    if (!batch.ok[i] && !is_final) {
      is_final = true;
      batch.ok[i] = cipher_.OpenOne(batch, i, true);
    }
    if (!batch.ok[i]) {
      failure_ = Corrupt("payload chunk " + std::to_string(batch.first_counter + i) +
                         " failed authentication");
      return;
    }
    plain_sizes_.push_back(batch.sizes[i] - crypto::kAeadTagSize);
    if (is_final) {
      if (i + 1 < opened || batch.bad_tail || !batch.eof) {
        failure_ = Corrupt("data after the final chunk");
      } else {
        finished_ = true;
      }
      return;
    }
  }
  if (batch.bad_tail) {
    failure_ = Corrupt("truncated or empty final chunk");
  } else if (batch.eof) {
    failure_ = Corrupt("the stream ends without a final chunk");
  }
}

ByteSpan Decryptor::Available() const {
  if (chunk_ >= plain_sizes_.size()) return {};
  return ByteSpan(batches_[current_].plain_slot(chunk_) + chunk_pos_,
                  plain_sizes_[chunk_] - chunk_pos_);
}

void Decryptor::Consume(std::size_t n) {
  chunk_pos_ += n;
  if (chunk_pos_ == plain_sizes_[chunk_]) {
    ++chunk_;
    chunk_pos_ = 0;
  }
}

Result<std::size_t> Decryptor::Read(MutableByteSpan out) {
  std::size_t done = 0;
  while (done < out.size()) {
    ByteSpan available = Available();
    if (!available.empty()) {
      std::size_t n = std::min(out.size() - done, available.size());
      std::memcpy(out.data() + done, available.data(), n);
      done += n;
      Consume(n);
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

Status Decryptor::WriteTo(Sink& out) {
  while (true) {
    if (chunk_ < plain_sizes_.size()) {
      // Every released chunk but the last is full, so the rest of the batch is contiguous.
      const PayloadBatch& batch = batches_[current_];
      const std::uint8_t* begin = batch.plain_slot(chunk_) + chunk_pos_;
      const std::uint8_t* end = batch.plain_slot(plain_sizes_.size() - 1) + plain_sizes_.back();
      VIGIL_RETURN_IF_ERROR(out.Write(ByteSpan(begin, static_cast<std::size_t>(end - begin))));
      chunk_ = plain_sizes_.size();
      chunk_pos_ = 0;
      continue;
    }
    if (failure_) return *failure_;
    if (finished_) return OkStatus();
    VIGIL_RETURN_IF_ERROR(NextBatch());
  }
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
