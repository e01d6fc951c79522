// Format: docs/formats/case-export.md
#include "cases/export.h"

#include <boost/json.hpp>
#include <set>

#include "base/hex.h"
#include "crypto/sha256.h"
#include "records/ledger.h"
#include "records/record.h"
#include "reports/ciphertext.h"
#include "translog/checkpoint.h"
#include "translog/entry.h"

namespace vigil::cases {
namespace {

namespace json = boost::json;
using translog::EntryType;

constexpr std::size_t kMaxItems = 10'000;
constexpr std::size_t kMaxManifestBytes = 64u << 20;

Error Bad(std::string what) { return MakeError(Errc::kInvalidArgument, "manifest: " + what); }

Status OnlyKeys(const json::object& o, std::initializer_list<std::string_view> allowed,
                const std::string& where) {
  for (const auto& field : o) {
    bool known = false;
    for (std::string_view a : allowed) known = known || field.key() == a;
    if (!known) return Bad(where + ": unknown field " + std::string(field.key()));
  }
  return OkStatus();
}

Result<std::string> StringField(const json::object& o, std::string_view key,
                                const std::string& where) {
  const json::value* v = o.if_contains(key);
  if (!v || !v->is_string()) return Bad(where + ": " + std::string(key) + " must be a string");
  return std::string(v->as_string());
}

Result<std::uint64_t> CountField(const json::object& o, std::string_view key,
                                 const std::string& where) {
  const json::value* v = o.if_contains(key);
  if (!v || !v->is_int64() || v->as_int64() < 0)
    return Bad(where + ": " + std::string(key) + " must be a non-negative integer");
  return static_cast<std::uint64_t>(v->as_int64());
}

bool IsLowerHex(std::string_view s, std::size_t n) {
  if (s.size() != n) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

Result<translog::Receipt> ReceiptField(const json::object& o, const std::string& where,
                                       std::string* text_out = nullptr) {
  VIGIL_ASSIGN_OR_RETURN(std::string text, StringField(o, "receipt", where));
  auto receipt = translog::ParseReceipt(text);
  if (!receipt) return Bad(where + ": the receipt does not parse");
  if (text_out) *text_out = std::move(text);
  return *receipt;
}

Result<ExportFile> ParseFile(const json::value& v, const std::string& where) {
  if (!v.is_object()) return Bad(where + " is not an object");
  const json::object& o = v.as_object();
  VIGIL_RETURN_IF_ERROR(OnlyKeys(o, {"path", "sha256", "size", "ciphertext"}, where));
  ExportFile f;
  VIGIL_ASSIGN_OR_RETURN(f.path, StringField(o, "path", where));
  VIGIL_ASSIGN_OR_RETURN(f.sha256, StringField(o, "sha256", where));
  VIGIL_ASSIGN_OR_RETURN(f.size, CountField(o, "size", where));
  if (!IsSafeMemberName(f.path) || f.path == kManifestName)
    return Bad(where + ": path is not a safe member name");
  if (!IsLowerHex(f.sha256, 64)) return Bad(where + ": sha256 is not 64 lower-case hex digits");
  if (const json::value* c = o.if_contains("ciphertext")) {
    std::string cwhere = where + ".ciphertext";
    if (!c->is_object()) return Bad(cwhere + " is not an object");
    const json::object& co = c->as_object();
    VIGIL_RETURN_IF_ERROR(OnlyKeys(co, {"path", "log_index", "receipt"}, cwhere));
    ExportCiphertext ct;
    VIGIL_ASSIGN_OR_RETURN(ct.path, StringField(co, "path", cwhere));
    VIGIL_ASSIGN_OR_RETURN(ct.log_index, CountField(co, "log_index", cwhere));
    VIGIL_ASSIGN_OR_RETURN(ct.receipt, ReceiptField(co, cwhere, &ct.receipt_text));
    if (!IsSafeMemberName(ct.path) || ct.path == kManifestName)
      return Bad(cwhere + ": path is not a safe member name");
    f.ciphertext = std::move(ct);
  }
  return f;
}

Result<ExportEntry> ParseEntry(const json::value& v, const std::string& where) {
  if (!v.is_object()) return Bad(where + " is not an object");
  const json::object& o = v.as_object();
  VIGIL_RETURN_IF_ERROR(OnlyKeys(o, {"kind", "id", "revision", "log_index", "receipt"}, where));
  ExportEntry e;
  VIGIL_ASSIGN_OR_RETURN(e.kind, StringField(o, "kind", where));
  VIGIL_ASSIGN_OR_RETURN(e.id, StringField(o, "id", where));
  VIGIL_ASSIGN_OR_RETURN(e.log_index, CountField(o, "log_index", where));
  VIGIL_ASSIGN_OR_RETURN(e.receipt, ReceiptField(o, where));
  if (e.kind != "report" && e.kind != "follow_up" && e.kind != "reply" && e.kind != "case_revision")
    return Bad(where + ": unknown kind " + e.kind);
  if (!IsLowerHex(e.id, 32)) return Bad(where + ": id is not 32 lower-case hex digits");
  return e;
}

EntryType TypeOfKind(std::string_view kind) {
  if (kind == "report") return EntryType::kReport;
  if (kind == "reply") return EntryType::kReply;
  if (kind == "follow_up") return EntryType::kFollowUp;
  return EntryType::kCaseRevision;
}

// The checks every receipt shares: it verifies, under the manifest's own checkpoint, at the
// index the manifest names. Returns its entry.
Result<translog::Entry> CheckReceipt(const translog::Receipt& receipt, std::uint64_t index,
                                     const ExportManifest& m, const translog::VerifierKey& key,
                                     const std::string& where) {
  auto verified = translog::VerifyReceipt(receipt, key);
  if (!verified) return MakeError(Errc::kUnauthenticated, where + ": the receipt does not verify");
  if (receipt.checkpoint != m.checkpoint)
    return MakeError(Errc::kInvalidArgument,
                     where + ": the receipt is under another checkpoint than the manifest's");
  if (receipt.index != index)
    return MakeError(Errc::kInvalidArgument, where + ": the receipt is for another log index");
  auto entry = translog::DecodeEntry(receipt.entry);
  if (!entry) return MakeError(Errc::kInvalidArgument, where + ": the entry does not decode");
  return *entry;
}

// `manifest.receipt`: the custody entry that logged the manifest's digest, under a checkpoint
// of the same log no older than the manifest's. Returns the entry's index.
Result<std::uint64_t> CheckAnchor(const Bytes& anchor, const Bytes& manifest_bytes,
                                  const ExportManifest& m, const translog::Checkpoint& checkpoint,
                                  const translog::VerifierKey& key) {
  const std::string where(kAnchorName);
  auto receipt = translog::ParseReceipt(
      std::string_view(reinterpret_cast<const char*>(anchor.data()), anchor.size()));
  if (!receipt) return MakeError(Errc::kInvalidArgument, where + ": not a receipt");
  auto anchored = translog::VerifyReceipt(*receipt, key);
  if (!anchored) return MakeError(Errc::kUnauthenticated, where + ": the receipt does not verify");
  if (anchored->origin != m.log_origin || anchored->size < checkpoint.size)
    return MakeError(Errc::kInvalidArgument,
                     where + ": under a checkpoint of another log or older than the manifest's");
  auto entry = translog::DecodeEntry(receipt->entry);
  if (!entry || entry->type != EntryType::kCaseRevision)
    return MakeError(Errc::kInvalidArgument, where + ": the entry is not a case custody entry");
  Bytes record = ExportCustodyRecord(records::IdText(entry->object_id), m.case_id, m.revision,
                                     HexEncode(crypto::Sha256(manifest_bytes)));
  if (entry->blob_size != record.size() || entry->blob_sha256 != crypto::Sha256(record))
    return MakeError(Errc::kCorrupt, where + ": the logged export is of another manifest");
  return receipt->index;
}

const Bytes* Member(const std::map<std::string, Bytes>& members, const std::string& name) {
  auto it = members.find(name);
  return it == members.end() ? nullptr : &it->second;
}

}  // namespace

Bytes ExportCustodyRecord(std::string_view event_id, std::string_view case_id,
                          std::int64_t revision, std::string_view manifest_sha256) {
  records::RecordBuilder record("case-custody");
  record.Add("id", event_id);
  record.Add("case", case_id);
  record.Add("event", "export");
  record.Add("revision", std::to_string(revision));
  record.Add("manifest-sha256", manifest_sha256);
  return record.Finish();
}

bool IsSafeMemberName(std::string_view name) {
  if (name.empty() || name.size() > 255 || name.front() == '/' || name.back() == '/') return false;
  for (unsigned char c : name)
    if (c < 0x20 || c == 0x7f || c == '\\' || c == ':') return false;
  std::size_t start = 0;
  while (start <= name.size()) {
    std::size_t slash = name.find('/', start);
    std::string_view segment = name.substr(
        start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (segment.empty() || segment == "." || segment == "..") return false;
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return true;
}

Result<ExportManifest> ParseExportManifest(std::string_view json_text) {
  if (json_text.size() > kMaxManifestBytes) return Bad("larger than 64 MiB");
  boost::system::error_code ec;
  json::parse_options options;
  options.max_depth = 8;
  json::value v = json::parse(json_text, ec, {}, options);
  if (ec || !v.is_object()) return Bad("not a JSON object");
  const json::object& o = v.as_object();
  VIGIL_RETURN_IF_ERROR(OnlyKeys(o,
                                 {"format", "case_id", "revision", "log_origin", "checkpoint",
                                  "files", "entries", "custody", "exported_hour"},
                                 "manifest"));
  VIGIL_ASSIGN_OR_RETURN(std::string format, StringField(o, "format", "manifest"));
  if (format != kExportFormat) return Bad("format must be " + std::string(kExportFormat));
  ExportManifest m;
  VIGIL_ASSIGN_OR_RETURN(m.case_id, StringField(o, "case_id", "manifest"));
  if (!IsLowerHex(m.case_id, 32)) return Bad("case_id is not 32 lower-case hex digits");
  VIGIL_ASSIGN_OR_RETURN(std::uint64_t revision, CountField(o, "revision", "manifest"));
  if (revision < 1 || revision > 1'000'000) return Bad("revision out of range");
  m.revision = static_cast<std::int64_t>(revision);
  VIGIL_ASSIGN_OR_RETURN(m.log_origin, StringField(o, "log_origin", "manifest"));
  VIGIL_ASSIGN_OR_RETURN(m.checkpoint, StringField(o, "checkpoint", "manifest"));
  auto list = [&](std::string_view key) -> Result<const json::array*> {
    const json::value* a = o.if_contains(key);
    if (!a || !a->is_array() || a->as_array().size() > kMaxItems)
      return Bad(std::string(key) + " must be an array of at most 10000 items");
    return &a->as_array();
  };
  VIGIL_ASSIGN_OR_RETURN(const json::array* files, list("files"));
  VIGIL_ASSIGN_OR_RETURN(const json::array* entries, list("entries"));
  VIGIL_ASSIGN_OR_RETURN(const json::array* custody, list("custody"));
  for (std::size_t i = 0; i < files->size(); ++i) {
    VIGIL_ASSIGN_OR_RETURN(ExportFile f,
                           ParseFile((*files)[i], "files[" + std::to_string(i) + "]"));
    m.files.push_back(std::move(f));
  }
  for (std::size_t i = 0; i < entries->size(); ++i) {
    VIGIL_ASSIGN_OR_RETURN(ExportEntry e,
                           ParseEntry((*entries)[i], "entries[" + std::to_string(i) + "]"));
    m.entries.push_back(std::move(e));
  }
  for (std::size_t i = 0; i < custody->size(); ++i) {
    std::string where = "custody[" + std::to_string(i) + "]";
    if (!(*custody)[i].is_object()) return Bad(where + " is not an object");
    VIGIL_ASSIGN_OR_RETURN(std::uint64_t index,
                           CountField((*custody)[i].as_object(), "log_index", where));
    m.custody_indices.push_back(index);
  }
  return m;
}

Result<ExportCheck> VerifyExport(const std::map<std::string, Bytes>& members,
                                 const translog::VerifierKey& log_key,
                                 std::span<const age::Identity* const> identities) {
  const Bytes* manifest_bytes = Member(members, std::string(kManifestName));
  if (!manifest_bytes) return MakeError(Errc::kInvalidArgument, "the package has no manifest.json");
  VIGIL_ASSIGN_OR_RETURN(
      ExportManifest m,
      ParseExportManifest(std::string_view(reinterpret_cast<const char*>(manifest_bytes->data()),
                                           manifest_bytes->size())));

  // 1. The checkpoint, signed by the key the checker trusts, of the log the manifest names.
  auto signed_checkpoint = translog::OpenCheckpoint(m.checkpoint, m.log_origin, log_key);
  if (!signed_checkpoint)
    return MakeError(Errc::kUnauthenticated,
                     "the checkpoint is not signed by the given key for " + m.log_origin);
  const translog::Checkpoint& checkpoint = signed_checkpoint->checkpoint;

  ExportCheck out;
  out.case_id = m.case_id;
  out.revision = m.revision;
  out.checkpoint_size = checkpoint.size;

  // 4. The members are exactly the listed files and the manifest, each as listed.
  std::set<std::string> listed{std::string(kManifestName)};
  auto check_member = [&](const std::string& path, const std::string& sha256,
                          std::optional<std::uint64_t> size) -> Status {
    const Bytes* bytes = Member(members, path);
    if (!bytes) return MakeError(Errc::kCorrupt, path + ": listed but not in the package");
    if (size && bytes->size() != *size)
      return MakeError(Errc::kCorrupt, path + ": size differs from the manifest");
    if (HexEncode(crypto::Sha256(*bytes)) != sha256)
      return MakeError(Errc::kCorrupt, path + ": SHA-256 differs from the manifest");
    return OkStatus();
  };
  for (const ExportFile& f : m.files) {
    if (!listed.insert(f.path).second)
      return MakeError(Errc::kInvalidArgument, f.path + ": listed twice");
    VIGIL_RETURN_IF_ERROR(check_member(f.path, f.sha256, f.size));
    if (!f.ciphertext) continue;
    // 2 and 3. Evidence: its age file is what the attachment entry commits to.
    const ExportCiphertext& c = *f.ciphertext;
    if (!listed.insert(c.path).second)
      return MakeError(Errc::kInvalidArgument, c.path + ": listed twice");
    VIGIL_ASSIGN_OR_RETURN(translog::Entry entry,
                           CheckReceipt(c.receipt, c.log_index, m, log_key, f.path));
    if (entry.type != EntryType::kAttachment)
      return MakeError(Errc::kInvalidArgument, f.path + ": the entry is not an attachment");
    VIGIL_RETURN_IF_ERROR(check_member(c.path, HexEncode(entry.blob_sha256), entry.blob_size));
    const Bytes& ciphertext = *Member(members, c.path);
    if (auto age_ok = reports::CheckAgeFile(ciphertext, 2); !age_ok)
      return MakeError(Errc::kCorrupt, c.path +
                                           ": not an age file to the organisation and the "
                                           "reporter");
    if (!identities.empty()) {
      auto plain = age::DecryptBytes(ciphertext, identities);
      if (!plain) return MakeError(Errc::kCorrupt, c.path + ": does not decrypt with the identity");
      if (*plain != *Member(members, f.path))
        return MakeError(Errc::kCorrupt, f.path + ": differs from what " + c.path + " decrypts to");
    }
    ++out.evidence;
  }
  if (const Bytes* anchor = Member(members, std::string(kAnchorName))) {
    listed.insert(std::string(kAnchorName));
    VIGIL_ASSIGN_OR_RETURN(out.anchored_at, CheckAnchor(*anchor, *manifest_bytes, m, checkpoint,
                                                        log_key));
  }
  for (const auto& [name, bytes] : members)
    if (!listed.contains(name))
      return MakeError(Errc::kInvalidArgument, name + ": in the package but not in the manifest");
  out.files = m.files.size();

  // 2 and 3. Entries the package relies on without holding them.
  for (const ExportEntry& e : m.entries) {
    std::string where = e.kind + " " + e.id;
    VIGIL_ASSIGN_OR_RETURN(translog::Entry entry,
                           CheckReceipt(e.receipt, e.log_index, m, log_key, where));
    if (entry.type != TypeOfKind(e.kind))
      return MakeError(Errc::kInvalidArgument, where + ": the entry is of another type");
    if (records::IdText(entry.object_id) != e.id)
      return MakeError(Errc::kInvalidArgument, where + ": the entry names another object");
    ++out.entries;
  }
  for (std::uint64_t index : m.custody_indices)
    if (index >= checkpoint.size)
      return MakeError(Errc::kInvalidArgument,
                       "custody: log index " + std::to_string(index) + " is past the checkpoint");
  out.decrypted = !identities.empty();
  return out;
}

}  // namespace vigil::cases
