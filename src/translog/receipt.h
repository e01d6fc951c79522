// A signed receipt: proof, checkable offline with the log's public key and nothing else, that an
// entry is in the log at an index under a signed checkpoint. Reporters keep one per report.
// Format: docs/formats/receipts.md
#pragma once

#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/error.h"
#include "translog/checkpoint.h"
#include "translog/signed_note.h"
#include "translog/tile_reader.h"

namespace vigil::translog {

struct Receipt {
  std::uint64_t index = 0;
  Bytes entry;
  std::vector<Hash> proof;
  std::string checkpoint;  // the signed note, verbatim
};

std::string FormatReceipt(const Receipt& receipt);
// Strict parse; kMalformed on any deviation.
Result<Receipt> ParseReceipt(std::string_view text);

// Builds the receipt for `index` from a published log (the checkpoint it reads, verified with
// `log_key`). kInvalidArgument when the index is not in that checkpoint yet.
Result<Receipt> MakeReceipt(const Fetch& fetch, const VerifierKey& log_key, std::uint64_t index);

// Checks the checkpoint's signature and the inclusion proof. Returns the verified checkpoint.
// Fails with kUnauthenticated.
Result<Checkpoint> VerifyReceipt(const Receipt& receipt, const VerifierKey& log_key);

}  // namespace vigil::translog
