// Format: docs/formats/uploads.md
#include "uploads/upload_info.h"

#include <limits>
#include <vector>

#include "base/hex.h"

namespace vigil::uploads {
namespace {

constexpr std::string_view kMagic = "vigil upload v1";

Error Corrupt(std::string detail) { return MakeError(Errc::kCorrupt, std::move(detail)); }

// Canonical unsigned decimal: 1 to 19 digits, no leading zero but "0" itself.
std::optional<std::uint64_t> ParseDecimal(std::string_view text) {
  if (text.empty() || text.size() > 19 || (text.size() > 1 && text[0] == '0')) return std::nullopt;
  std::uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return value;
}

// `line` is "<key> <value>": the value, or nullopt.
std::optional<std::string_view> ValueOf(std::string_view line, std::string_view key) {
  if (line.size() <= key.size() + 1 || line.substr(0, key.size()) != key || line[key.size()] != ' ')
    return std::nullopt;
  return line.substr(key.size() + 1);
}

}  // namespace

std::string FormatUploadInfo(const UploadInfo& info) {
  std::string out(kMagic);
  out += "\nlength " + std::to_string(info.length);
  out += "\noffset " + std::to_string(info.offset);
  out += "\nexpires " + std::to_string(info.expires) + "\n";
  if (info.sha256) out += "sha256 " + HexEncode(*info.sha256) + "\n";
  return out;
}

Result<UploadInfo> ParseUploadInfo(std::string_view text) {
  if (text.size() > 512) return Corrupt("upload info too long");
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    std::size_t nl = text.find('\n');
    if (nl == std::string_view::npos) return Corrupt("upload info: unterminated line");
    lines.push_back(text.substr(0, nl));
    text.remove_prefix(nl + 1);
  }
  if (lines.size() != 4 && lines.size() != 5) return Corrupt("upload info: wrong line count");
  if (lines[0] != kMagic) return Corrupt("upload info: not vigil upload v1");
  UploadInfo info;
  auto length = ValueOf(lines[1], "length");
  auto offset = ValueOf(lines[2], "offset");
  auto expires = ValueOf(lines[3], "expires");
  if (!length || !offset || !expires) return Corrupt("upload info: missing field");
  auto l = ParseDecimal(*length);
  auto o = ParseDecimal(*offset);
  auto e = ParseDecimal(*expires);
  if (!l || !o || !e || *e > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
    return Corrupt("upload info: bad number");
  info.length = *l;
  info.offset = *o;
  info.expires = static_cast<std::int64_t>(*e);
  if (info.offset > info.length) return Corrupt("upload info: offset past the length");
  if (lines.size() == 5) {
    auto hex = ValueOf(lines[4], "sha256");
    if (!hex || hex->size() != 64) return Corrupt("upload info: bad sha256 line");
    for (char c : *hex)
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
        return Corrupt("upload info: sha256 is not lower-case hex");
    Bytes bytes = *HexDecode(*hex);
    crypto::Sha256Digest digest{};
    std::copy(bytes.begin(), bytes.end(), digest.begin());
    if (info.offset != info.length) return Corrupt("upload info: digest before the last byte");
    info.sha256 = digest;
  }
  return info;
}

}  // namespace vigil::uploads
