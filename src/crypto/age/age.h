// Streaming age v1 encryption and decryption (C2SP age specification), in constant memory.
// Format: docs/formats/age.md. Payload chunks are independent, so batches of chunks are sealed
// and opened on several threads; plaintext is released only after its chunk authenticates.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <span>

#include "base/io.h"
#include "base/parallel_for.h"
#include "base/random.h"
#include "crypto/aead.h"
#include "crypto/age/header.h"
#include "crypto/age/recipient.h"

namespace vigil::age {

inline constexpr std::size_t kChunkSize = 64 * 1024;
inline constexpr std::size_t kSealedChunkSize = kChunkSize + crypto::kAeadTagSize;
inline constexpr std::size_t kPayloadNonceSize = 16;

struct StreamOptions {
  // Threads that seal or open chunks, the caller included; 0 picks the number of cores (at most
  // 8). Memory in use is about threads × chunks_per_thread × 64 KiB.
  std::size_t threads = 0;
  std::size_t chunks_per_thread = 16;
  crypto::AeadBackend backend = crypto::AeadBackend::kOpenSsl;
};

struct EncryptOptions {
  bool armor = false;
  StreamOptions stream;
};

enum class ArmorMode { kDetect, kArmored, kBinary };

struct DecryptOptions {
  ArmorMode armor = ArmorMode::kDetect;
  HeaderLimits header_limits;
  StreamOptions stream;
};

// One batch of consecutive payload chunks, laid out in fixed slots of kSealedChunkSize bytes so
// that sealed chunks are contiguous on the wire.
struct PayloadBatch {
  Bytes sealed;                     // chunk i at i * kSealedChunkSize; sealed in place
  Bytes plain;                      // decryption output, chunk i at i * kChunkSize
  std::vector<std::size_t> sizes;   // plaintext sizes (encrypting) or sealed sizes (decrypting)
  std::vector<char> final;          // decrypting: open chunk i as the final chunk
  std::vector<char> ok;             // decrypting: chunk i authenticated
  std::uint64_t first_counter = 0;  // STREAM counter of chunk 0
  bool eof = false;                 // decrypting: the stream ends with this batch
  bool bad_tail = false;            // decrypting: a tail chunk too short to open follows `sizes`

  std::uint8_t* slot(std::size_t i) { return sealed.data() + i * kSealedChunkSize; }
  const std::uint8_t* plain_slot(std::size_t i) const { return plain.data() + i * kChunkSize; }
  // Makes slots [0, slots) addressable, growing in doubling steps up to `capacity` slots, so
  // small files stay small. Keeps the contents.
  void Reserve(std::size_t slots, std::size_t capacity);
};

// Seals and opens the chunks of one batch at a time on a fixed set of threads (one ChaCha20-
// Poly1305 context each). Start* return at once so the caller can read the next batch or write
// the previous one while the workers run; Wait joins in and returns when the batch is done.
class ChunkCipher {
 public:
  ChunkCipher(const SecretBytes& payload_key, const StreamOptions& options);
  std::size_t capacity() const { return capacity_; }  // chunks per batch

  // Seals every chunk of `batch` in place; the last is final if `final_batch`.
  void StartSeal(PayloadBatch& batch, bool final_batch);
  // Opens every chunk into batch.plain with the flags in batch.final; results in batch.ok.
  // The ciphertext is kept, so a chunk can be tried again with the other flag.
  void StartOpen(PayloadBatch& batch);
  void Wait();
  bool in_flight() const { return in_flight_; }
  // Opens chunk i again, on the calling thread (context 0, which no worker uses meanwhile).
  bool OpenOne(PayloadBatch& batch, std::size_t i, bool final);

 private:
  std::size_t capacity_;
  std::vector<std::unique_ptr<crypto::ChaCha20Poly1305>> aeads_;
  bool in_flight_ = false;
  ParallelFor pool_;  // last member: destroyed first, finishing a batch still in flight
};

// Writes an age file to a Sink. Usage: Create, Write or ReadFrom any number of times, Close.
// Not thread-safe. If Close is not reached the output is incomplete and will not decrypt.
class Encryptor {
 public:
  // Writes the header at once. Fails with kInvalidArgument when there is no recipient or an
  // scrypt recipient is mixed with others; errors of `out` pass through.
  static Result<std::unique_ptr<Encryptor>> Create(Sink& out,
                                                   std::span<const Recipient* const> recipients,
                                                   Random& random,
                                                   const EncryptOptions& options = {});
  ~Encryptor();

  Status Write(ByteSpan data);
  // Encrypts everything `in` yields until its end, reading straight into the chunk slots.
  Status ReadFrom(Source& in);
  // Seals the final chunk and, when armored, writes the end marker.
  Status Close();

 private:
  Encryptor(Sink& out, std::unique_ptr<class ArmorWriter> armor, const SecretBytes& payload_key,
            const StreamOptions& options);
  // Hands the full current batch to the workers and writes the one before it.
  Status Dispatch();
  Status WriteSealed(const PayloadBatch& batch);

  Sink& out_;  // the armor writer when armored, else the caller's sink
  std::unique_ptr<class ArmorWriter> armor_;
  PayloadBatch batches_[2];
  std::size_t current_ = 0;  // the batch being filled; the other may be in flight
  std::size_t pending_ = 0;  // plaintext bytes in the current batch
  std::uint64_t counter_ = 0;
  bool closed_ = false;
  ChunkCipher cipher_;  // last member: destroyed first
};

// Reads an age file from a Source and yields its plaintext. Not thread-safe.
class Decryptor final : public Source {
 public:
  // Parses the header, unwraps the file key with the first identity that opens a stanza,
  // checks the header MAC and reads the payload nonce. Errors: kMalformed (header), kBadArmor,
  // kNoMatch, kBadHeaderMac, kResourceExhausted (scrypt limit), or those of `in`.
  static Result<std::unique_ptr<Decryptor>> Open(Source& in,
                                                 std::span<const Identity* const> identities,
                                                 const DecryptOptions& options = {});
  ~Decryptor() override;

  // Plaintext in order; 0 only after the final chunk authenticated at the end of the stream.
  // kCorrupt when a chunk fails authentication, is truncated or misplaced, or data follows the
  // final chunk; every byte returned before that error was authenticated.
  Result<std::size_t> Read(MutableByteSpan out) override;
  // Writes all remaining plaintext to `out` straight from the chunk slots; same errors as Read.
  Status WriteTo(Sink& out);

 private:
  struct Layers;
  Decryptor(std::unique_ptr<Layers> layers, const SecretBytes& payload_key,
            const StreamOptions& options);
  // Reads the next batch of ciphertext into `batch` (with one byte of look-ahead).
  Status ReadBatch(PayloadBatch& batch);
  // Makes the next batch's plaintext available (or records the failure).
  Status NextBatch();
  // Decides, in stream order, which opened chunks are released and where the stream ends.
  void Settle(PayloadBatch& batch);
  // The released plaintext not yet handed out, or empty.
  ByteSpan Available() const;
  void Consume(std::size_t n);

  std::unique_ptr<Layers> layers_;
  PayloadBatch batches_[2];
  std::size_t current_ = 0;               // the batch being handed out
  std::vector<std::size_t> plain_sizes_;  // of the released chunks of the current batch
  std::size_t chunk_ = 0;                 // next chunk of the current batch to hand out
  std::size_t chunk_pos_ = 0;             // position inside it
  std::uint64_t next_counter_ = 0;        // counter of the next batch to read
  bool started_ = false;                  // the first batch has been read
  bool input_done_ = false;               // the batch holding the end of the stream was read
  bool carry_ = false;                    // one look-ahead byte kept for the next batch
  std::uint8_t carry_byte_ = 0;
  bool finished_ = false;
  std::optional<Error> failure_;  // reported once the authenticated bytes are handed out
  ChunkCipher cipher_;            // last member: destroyed first
};

// Convenience wrappers for small objects held in memory.
Result<Bytes> EncryptBytes(ByteSpan plaintext, std::span<const Recipient* const> recipients,
                           Random& random, const EncryptOptions& options = {});
Result<Bytes> DecryptBytes(ByteSpan ciphertext, std::span<const Identity* const> identities,
                           const DecryptOptions& options = {});

}  // namespace vigil::age
