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

// Shared machinery of the two directions: the batch buffer, the thread pool, and one AEAD
// context per thread.
class PayloadBatch {
 public:
  PayloadBatch(const SecretBytes& payload_key, const StreamOptions& options);
  std::size_t capacity() const { return capacity_; }  // chunks per batch
  // Makes slots [0, slots) addressable; slots <= capacity() (CHECKed). Keeps the contents.
  void Reserve(std::size_t slots);
  std::uint8_t* slot(std::size_t i) { return buffer_.data() + i * kSealedChunkSize; }
  std::uint8_t* data() { return buffer_.data(); }
  // Seals chunk i (plain_sizes[i] bytes at slot(i)) in place; the last one of the batch is
  // final if `final_batch`. `first_counter` is the STREAM counter of slot 0.
  void Seal(std::uint64_t first_counter, std::span<const std::size_t> plain_sizes, bool final_batch);
  // Opens chunk i (sealed_sizes[i] bytes at slot(i)) into plain_slot(i), as a final chunk if
  // final[i], for all i in parallel; ok[i] tells which authenticated. The ciphertext is kept,
  // so a chunk can be tried again with the other flag.
  void Open(std::uint64_t first_counter, std::span<const std::size_t> sealed_sizes,
            std::span<const char> final, std::span<char> ok);
  // Opens one chunk again on the calling thread.
  bool OpenOne(std::uint64_t counter, std::size_t i, std::size_t sealed_size, bool final);
  const std::uint8_t* plain_slot(std::size_t i) const { return plain_.data() + i * kChunkSize; }

 private:
  void Run(std::size_t n, const std::function<void(std::size_t, std::size_t)>& fn);

  std::size_t capacity_;
  Bytes buffer_;
  Bytes plain_;  // decryption output, kChunkSize per slot
  std::vector<std::unique_ptr<crypto::ChaCha20Poly1305>> aeads_;
  std::unique_ptr<ParallelFor> pool_;
};

// Writes an age file to a Sink. Usage: Create, Write any number of times, Close. Not
// thread-safe. If Close is not reached the output is incomplete and will not decrypt.
class Encryptor {
 public:
  // Writes the header at once. Fails with kInvalidArgument when there is no recipient or an
  // scrypt recipient is mixed with others; errors of `out` pass through.
  static Result<std::unique_ptr<Encryptor>> Create(Sink& out,
                                                   std::span<const Recipient* const> recipients,
                                                   Random& random, const EncryptOptions& options = {});
  ~Encryptor();

  Status Write(ByteSpan data);
  // Seals the final chunk and, when armored, writes the end marker.
  Status Close();

 private:
  Encryptor(Sink& out, std::unique_ptr<class ArmorWriter> armor, const SecretBytes& payload_key,
            const StreamOptions& options);
  Status FlushBatch(bool final_batch);

  Sink& out_;  // the armor writer when armored, else the caller's sink
  std::unique_ptr<class ArmorWriter> armor_;
  PayloadBatch batch_;
  std::size_t pending_ = 0;  // plaintext bytes in the batch
  std::uint64_t counter_ = 0;
  bool closed_ = false;
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

 private:
  struct Layers;
  Decryptor(std::unique_ptr<Layers> layers, const SecretBytes& payload_key,
            const StreamOptions& options);
  Status NextBatch();

  std::unique_ptr<Layers> layers_;
  PayloadBatch batch_;
  // Decides, in stream order, which opened chunks are released and where the stream ends or fails.
  void Settle(std::span<const std::size_t> sizes, bool eof, bool more_after_batch);

  std::vector<std::size_t> plain_sizes_;  // of the released chunks of the batch
  std::size_t chunk_ = 0;                 // next chunk of the batch to hand out
  std::size_t chunk_pos_ = 0;             // position inside it
  std::uint64_t counter_ = 0;
  bool carry_ = false;  // one look-ahead byte kept at slot(0)[0] for the next batch
  std::uint8_t carry_byte_ = 0;
  bool finished_ = false;
  std::optional<Error> failure_;  // reported once the authenticated bytes are handed out
};

// Convenience wrappers for small objects held in memory.
Result<Bytes> EncryptBytes(ByteSpan plaintext, std::span<const Recipient* const> recipients,
                           Random& random, const EncryptOptions& options = {});
Result<Bytes> DecryptBytes(ByteSpan ciphertext, std::span<const Identity* const> identities,
                           const DecryptOptions& options = {});

}  // namespace vigil::age
