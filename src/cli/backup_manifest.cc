// Format: docs/formats/backup.md
#include "cli/backup_manifest.h"

#include <algorithm>
#include <charconv>
#include <optional>

#include "base/base64.h"
#include "base/check.h"
#include "base/hex.h"

namespace vigil::cli {
namespace {

constexpr std::string_view kMagic = "vigil-backup/v1";

bool IsPathChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-';
}

// A header value: printable ASCII without spaces (origins and verifier keys hold none).
bool IsToken(std::string_view s, std::size_t max) {
  return !s.empty() && s.size() <= max &&
         std::all_of(s.begin(), s.end(), [](char c) { return c > 0x20 && c < 0x7F; });
}

// Canonical decimal: no sign, no leading zero, at most 2^64 - 1.
bool ParseDecimal(std::string_view s, std::uint64_t& out) {
  if (s.empty() || (s.size() > 1 && s[0] == '0')) return false;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

bool ParseLowerHexDigest(std::string_view s, crypto::Sha256Digest& out) {
  if (s.size() != 64) return false;
  if (!std::all_of(s.begin(), s.end(),
                   [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }))
    return false;
  auto bytes = HexDecode(s);
  if (!bytes) return false;
  std::copy(bytes->begin(), bytes->end(), out.begin());
  return true;
}

bool ParseRoot(std::string_view s, crypto::Sha256Digest& out) {
  auto bytes = Base64Decode(s);
  if (!bytes || bytes->size() != out.size()) return false;
  std::copy(bytes->begin(), bytes->end(), out.begin());
  return Base64Encode(out) == s;  // one root, one encoding
}

}  // namespace

bool IsBackupPath(std::string_view path) {
  if (path.empty() || path.size() > 4096 || path == kManifestName) return false;
  std::size_t start = 0;
  while (true) {
    std::size_t slash = path.find('/', start);
    std::string_view part = path.substr(
        start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (part.empty() || part == "." || part == ".." ||
        !std::all_of(part.begin(), part.end(), IsPathChar))
      return false;
    if (slash == std::string_view::npos) return true;
    start = slash + 1;
  }
}

Result<BackupManifest> ParseBackupManifest(std::string_view text) {
  std::size_t number = 0;
  auto bad = [&number](std::string_view why) {
    return MakeError(Errc::kMalformed,
                     "MANIFEST line " + std::to_string(number) + ": " + std::string(why));
  };
  if (text.size() > kMaxManifestBytes) return bad("the manifest is too large");
  auto next_line = [&text, &number]() -> std::optional<std::string_view> {
    ++number;
    std::size_t nl = text.find('\n');
    if (nl == std::string_view::npos) return std::nullopt;
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl + 1);
    return line;
  };
  // "key value" with this exact key.
  auto field = [&](std::string_view key) -> Result<std::string_view> {
    auto line = next_line();
    if (!line) return bad("expected '" + std::string(key) + " …' ending in a newline");
    if (!line->starts_with(key) || line->size() <= key.size() || (*line)[key.size()] != ' ')
      return bad("expected '" + std::string(key) + " …'");
    return line->substr(key.size() + 1);
  };

  BackupManifest m;
  auto magic = next_line();
  if (!magic || *magic != kMagic) return bad("not a vigil-backup/v1 manifest");
  VIGIL_ASSIGN_OR_RETURN(std::string_view origin, field("origin"));
  if (!IsToken(origin, 255) || origin.find('+') != std::string_view::npos)
    return bad("origin: not a log origin");
  m.origin = std::string(origin);
  VIGIL_ASSIGN_OR_RETURN(std::string_view log_key, field("log-key"));
  if (!IsToken(log_key, 1024)) return bad("log-key: not a verifier key");
  m.log_key = std::string(log_key);
  VIGIL_ASSIGN_OR_RETURN(std::string_view tree_size, field("tree-size"));
  if (!ParseDecimal(tree_size, m.tree_size)) return bad("tree-size: not a canonical number");
  VIGIL_ASSIGN_OR_RETURN(std::string_view root, field("root"));
  if (!ParseRoot(root, m.root)) return bad("root: not the base64 of 32 bytes");
  VIGIL_ASSIGN_OR_RETURN(std::string_view database, field("database"));
  if (database != "sqlite" && database != "none") return bad("database: expected sqlite or none");
  m.database = std::string(database);
  VIGIL_ASSIGN_OR_RETURN(std::string_view created, field("created"));
  if (!ParseDecimal(created, m.created)) return bad("created: not a canonical number");
  VIGIL_ASSIGN_OR_RETURN(std::string_view blobs, field("blobs"));
  if (!ParseDecimal(blobs, m.blobs)) return bad("blobs: not a canonical number");
  std::uint64_t count = 0;
  VIGIL_ASSIGN_OR_RETURN(std::string_view files, field("files"));
  if (!ParseDecimal(files, count)) return bad("files: not a canonical number");
  auto blank = next_line();
  if (!blank || !blank->empty()) return bad("expected an empty line after the header");

  while (!text.empty()) {
    auto line = next_line();
    if (!line) return bad("the last line does not end in a newline");
    // <64 hex> <size> <path>
    std::size_t first = line->find(' ');
    std::size_t second = first == std::string_view::npos ? first : line->find(' ', first + 1);
    if (second == std::string_view::npos) return bad("expected '<sha256> <size> <path>'");
    BackupFile f;
    if (!ParseLowerHexDigest(line->substr(0, first), f.sha256))
      return bad("not 64 lower-case hex digits");
    if (!ParseDecimal(line->substr(first + 1, second - first - 1), f.size))
      return bad("size: not a canonical number");
    std::string_view path = line->substr(second + 1);
    if (!IsBackupPath(path)) return bad("not a valid path");
    if (!m.files.empty() && !(m.files.back().path < path))
      return bad("paths are not sorted, or one appears twice");
    f.path = std::string(path);
    m.files.push_back(std::move(f));
    if (m.files.size() > count) break;
  }
  if (m.files.size() != count) return bad("files: the count does not match the file lines");
  if (!text.empty()) return bad("text after the last file");
  std::uint64_t blob_files = static_cast<std::uint64_t>(
      std::count_if(m.files.begin(), m.files.end(),
                    [](const BackupFile& f) { return f.path.starts_with("blobs/"); }));
  if (blob_files != m.blobs) return bad("blobs: the count does not match the files under blobs/");
  return m;
}

std::string FormatBackupManifest(const BackupManifest& m) {
  std::string out;
  out.append(kMagic).append("\n");
  out.append("origin ").append(m.origin).append("\n");
  out.append("log-key ").append(m.log_key).append("\n");
  out.append("tree-size ").append(std::to_string(m.tree_size)).append("\n");
  out.append("root ").append(Base64Encode(m.root)).append("\n");
  out.append("database ").append(m.database).append("\n");
  out.append("created ").append(std::to_string(m.created)).append("\n");
  out.append("blobs ").append(std::to_string(m.blobs)).append("\n");
  out.append("files ").append(std::to_string(m.files.size())).append("\n\n");
  for (std::size_t i = 0; i < m.files.size(); ++i) {
    const BackupFile& f = m.files[i];
    CHECK(i == 0 || m.files[i - 1].path < f.path);
    out.append(HexEncode(f.sha256))
        .append(" ")
        .append(std::to_string(f.size))
        .append(" ")
        .append(f.path)
        .append("\n");
  }
  return out;
}

}  // namespace vigil::cli
