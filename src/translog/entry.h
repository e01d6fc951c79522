// The record each log entry holds: what was stored or done, never what it says. Every stored
// object and every administrative action appends one (DESIGN.md section 4).
// Format: docs/formats/entries.md
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <string_view>

#include "base/bytes.h"
#include "base/error.h"

namespace vigil::translog {

// Never renumbered: old entries keep their meaning forever.
enum class EntryType : std::uint8_t {
  kReport = 1,          // a report ciphertext
  kReply = 2,           // a reply to a reporter
  kAttachment = 3,      // an evidence file
  kCaseRevision = 4,    // a case record revision
  kAccount = 5,         // an account created or changed (its encrypted key material)
  kRoleChange = 6,      // a staff role granted or removed
  kKeyRotation = 7,     // a new organisation key and its wrappings
  kLogin = 8,           // a staff login
  kInvitation = 9,      // an invitation issued or used
  kDeletion = 10,       // an object deleted (the entry names the object)
  kTrackerEdit = 11,    // a public tracker change (its source and new value)
  kStatistics = 12,     // a published aggregate
  kRecoveryShare = 13,  // a recovery share record
  kSettings = 14,       // an instance setting changed
  kFollowUp = 15,       // a reporter's follow-up message to their own report
};

inline constexpr std::uint8_t kEntryVersion = 1;
inline constexpr std::size_t kEntrySize = 78;
inline constexpr std::size_t kObjectIdSize = 16;
inline constexpr std::size_t kActorIdSize = 16;

using ObjectId = std::array<std::uint8_t, kObjectIdSize>;
using ActorId = std::array<std::uint8_t, kActorIdSize>;  // all zero: anonymous or the system
using Digest = std::array<std::uint8_t, 32>;             // all zero: no blob

struct Entry {
  EntryType type = EntryType::kReport;
  ObjectId object_id{};  // random, chosen by the server
  Digest blob_sha256{};  // SHA-256 of the stored ciphertext
  std::uint64_t blob_size = 0;
  std::uint32_t hour = 0;  // whole hours since the Unix epoch: coarse on purpose
  ActorId actor{};         // pseudonymous staff id, never a name or an address

  friend bool operator==(const Entry&, const Entry&) = default;
};

// Whole hours since the epoch, rounding down (times before 1970 are clamped to 0).
std::uint32_t CoarseHour(std::chrono::system_clock::time_point t);

// The canonical encoding: always kEntrySize bytes.
Bytes EncodeEntry(const Entry& entry);

// Parses one entry. Fails with kMalformed on a wrong length, an unknown version or type.
Result<Entry> DecodeEntry(ByteSpan bytes);

std::string_view EntryTypeName(EntryType type);

}  // namespace vigil::translog
