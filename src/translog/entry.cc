// Format: docs/formats/entries.md
#include "translog/entry.h"

#include <algorithm>

namespace vigil::translog {
namespace {

void PutBig(Bytes& out, std::uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

std::uint64_t GetBig(ByteSpan in, std::size_t pos, int bytes) {
  std::uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = v << 8 | in[pos + static_cast<std::size_t>(i)];
  return v;
}

bool IsKnownType(std::uint8_t t) { return t >= 1 && t <= 15; }

}  // namespace

std::uint32_t CoarseHour(std::chrono::system_clock::time_point t) {
  auto hours = std::chrono::duration_cast<std::chrono::hours>(t.time_since_epoch()).count();
  if (hours < 0) return 0;
  return static_cast<std::uint32_t>(std::min<long long>(hours, UINT32_MAX));
}

Bytes EncodeEntry(const Entry& e) {
  Bytes out;
  out.reserve(kEntrySize);
  out.push_back(kEntryVersion);
  out.push_back(static_cast<std::uint8_t>(e.type));
  out.insert(out.end(), e.object_id.begin(), e.object_id.end());
  out.insert(out.end(), e.blob_sha256.begin(), e.blob_sha256.end());
  PutBig(out, e.blob_size, 8);
  PutBig(out, e.hour, 4);
  out.insert(out.end(), e.actor.begin(), e.actor.end());
  return out;
}

Result<Entry> DecodeEntry(ByteSpan in) {
  if (in.size() != kEntrySize) return MakeError(Errc::kMalformed, "log entry has the wrong length");
  if (in[0] != kEntryVersion) return MakeError(Errc::kMalformed, "unknown log entry version");
  if (!IsKnownType(in[1])) return MakeError(Errc::kMalformed, "unknown log entry type");
  Entry e;
  e.type = static_cast<EntryType>(in[1]);
  std::copy_n(in.begin() + 2, kObjectIdSize, e.object_id.begin());
  std::copy_n(in.begin() + 18, 32, e.blob_sha256.begin());
  e.blob_size = GetBig(in, 50, 8);
  e.hour = static_cast<std::uint32_t>(GetBig(in, 58, 4));
  std::copy_n(in.begin() + 62, kActorIdSize, e.actor.begin());
  return e;
}

std::string_view EntryTypeName(EntryType type) {
  switch (type) {
    case EntryType::kReport:
      return "report";
    case EntryType::kReply:
      return "reply";
    case EntryType::kAttachment:
      return "attachment";
    case EntryType::kCaseRevision:
      return "case_revision";
    case EntryType::kAccount:
      return "account";
    case EntryType::kRoleChange:
      return "role_change";
    case EntryType::kKeyRotation:
      return "key_rotation";
    case EntryType::kLogin:
      return "login";
    case EntryType::kInvitation:
      return "invitation";
    case EntryType::kDeletion:
      return "deletion";
    case EntryType::kTrackerEdit:
      return "tracker_edit";
    case EntryType::kStatistics:
      return "statistics";
    case EntryType::kRecoveryShare:
      return "recovery_share";
    case EntryType::kFollowUp:
      return "follow_up";
    case EntryType::kSettings:
      return "settings";
  }
  return "unknown";
}

}  // namespace vigil::translog
