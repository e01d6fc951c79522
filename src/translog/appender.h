// The log appender: sequences entries, writes their entry bundles and hash tiles durably in
// batches (group commit), and publishes signed checkpoints. After a crash at any moment, Open
// recovers a log consistent with every checkpoint ever published and holding every entry whose
// Append returned. Format: docs/formats/log.md
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "base/clock.h"
#include "base/error.h"
#include "translog/checkpoint.h"
#include "translog/log_directory.h"
#include "translog/signed_note.h"
#include "translog/tiles.h"

namespace vigil::translog {

struct AppenderOptions {
  std::filesystem::path dir;
  std::string origin;
  std::size_t max_batch = 8192;  // entries integrated per group commit
  // Under continuous appends a checkpoint is published at least this often; when appends
  // pause, at once.
  std::chrono::milliseconds checkpoint_interval{250};
};

class Appender {
 public:
  // Makes a new, empty log in `dir` (created if absent; it must hold no checkpoint yet) and
  // publishes its size-0 checkpoint. Fails with kAlreadyExists or kIo.
  static Status Init(const std::filesystem::path& dir, std::string_view origin,
                     const SignerKey& signer);

  // Opens a log, recovers entries sequenced after its last checkpoint, publishes a checkpoint
  // for them, and starts the sequencer. Only one appender may hold a log: a second Open, in this
  // or another process, fails with kUnavailable (an exclusive lock on DIR/.lock, which no tile
  // path can name). Fails with kNotFound (no log), kUnauthenticated (the
  // checkpoint is not signed by `signer` for `origin`), kDataLoss-like kFailedPrecondition
  // (files that contradict the published checkpoint), or kIo.
  static Result<std::unique_ptr<Appender>> Open(AppenderOptions options, SignerKey signer);

  // Finishes queued appends, publishes a last checkpoint and stops.
  ~Appender();

  // Appends entries (each at most 65535 bytes, else kInvalidArgument) and returns the index of
  // the first once every one is durable on disk. Thread-safe: concurrent callers share batches.
  Result<std::uint64_t> Append(std::vector<Bytes> entries);
  Result<std::uint64_t> Append(Bytes entry);

  // What AppendThen calls once the entries are durable: the index of the first (or the error)
  // and whether theirs is the last append of the group commit. The calls of one group commit
  // are made back to back, in log order, on the sequencer thread, so that a next stage can take
  // the batch as one unit. They must be quick and must not call into the appender.
  using Then = std::function<void(Result<std::uint64_t> first, bool last_of_batch)>;
  // Called earlier, the same way, once the batch's entries have their indexes, their data is
  // durable and their files are in place, while the sync that makes those names durable runs:
  // work that must follow the entries (an index update) can start alongside that sync. Until
  // `then` reports success, a crash can still lose the entries (decision 0013).
  using Placed = std::function<void(std::uint64_t first, bool last_of_batch)>;
  // Queues entries as Append does and returns at once; `then` is called exactly once, and
  // `placed`, if given, at most once and before it. Entries Append would refuse are refused by
  // calling `then` at once, on the calling thread.
  void AppendThen(std::vector<Bytes> entries, Then then, Placed placed = nullptr);

  // Publishes a checkpoint for everything sequenced so far and returns it (signed note text).
  Result<std::string> PublishNow();

  // The latest published checkpoint (signed note text) and its size.
  std::string checkpoint() const;
  std::uint64_t checkpoint_size() const;
  // Entries durably sequenced.
  std::uint64_t size() const;

 private:
  struct Pending {
    std::vector<Bytes> entries;
    Then then;
    Placed placed;
  };

  Appender(AppenderOptions options, SignerKey signer, LogDirectory dir, int lock_fd);
  Status Recover(const SignedCheckpoint& published);
  // Adds entries to the tree and stages the bundles and tiles they touch; the caller commits.
  Status Integrate(const std::vector<const Bytes*>& entries, LogDirectory::WriteGroup& group);
  // Signs and writes a checkpoint for the tree of `size` entries with `root`.
  Status Publish(std::uint64_t size, const Hash& root);
  void SequencerLoop();
  void PublisherLoop();
  Result<Hash> RootFromDisk(std::uint64_t size) const;

  AppenderOptions options_;
  SignerKey signer_;
  LogDirectory dir_;

  // Sequencer state: only the sequencer thread (or Open, before it starts) touches these.
  TileBuilder tree_;
  Bytes bundle_;  // encoded entries of the current partial bundle
  std::size_t bundle_count_ = 0;

  mutable std::mutex mu_;               // guards the queue and the figures below
  std::condition_variable queue_cv_;    // appends queued, or stopping
  std::condition_variable publish_cv_;  // a batch sequenced, a publication asked, or the end
  std::deque<std::unique_ptr<Pending>> queue_;
  bool stopping_ = false;
  bool publish_requested_ = false;
  bool sequencing_ = false;      // the sequencer is writing a batch
  bool sequencer_done_ = false;  // the sequencer has stopped
  std::uint64_t sequenced_ = 0;
  Hash sequenced_root_{};
  std::string checkpoint_note_;
  Checkpoint checkpoint_;
  std::optional<Status> fatal_;  // a write failed: no further appends are accepted

  std::chrono::steady_clock::time_point last_publish_;
  std::chrono::steady_clock::time_point last_batch_end_;
  int lock_fd_;  // holds the exclusive lock until destruction
  std::thread sequencer_;
  std::thread publisher_;  // publishes checkpoints, so that signing and writing one never
                           // holds up the next batch
};

}  // namespace vigil::translog
