// Format: docs/formats/age.md
#include "crypto/age/header.h"

#include "base/base64.h"
#include "crypto/aead.h"
#include "crypto/age/recipient.h"
#include "crypto/hmac.h"

namespace vigil::age {
namespace {

constexpr std::size_t kColumns = 64;

bool IsBase64Char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
         c == '/';
}

Error Malformed(std::string detail) { return MakeError(Errc::kMalformed, std::move(detail)); }

// Splits "-> a b c\n" into arguments; each must be 1*VCHAR.
Result<std::vector<std::string>> ParseArgLine(std::string_view line) {
  std::string_view rest = line.substr(3, line.size() - 4);  // drop "-> " and "\n"
  std::vector<std::string> args;
  while (true) {
    std::size_t sp = rest.find(' ');
    std::string_view arg = rest.substr(0, sp);
    if (arg.empty()) return Malformed("empty stanza argument");
    for (char c : arg) {
      if (c < 33 || c > 126) return Malformed("invalid character in stanza argument");
    }
    args.emplace_back(arg);
    if (sp == std::string_view::npos) break;
    rest.remove_prefix(sp + 1);
  }
  return args;
}

}  // namespace

Result<Header> ParseHeader(BufferedSource& in, const HeaderLimits& limits) {
  Header header;
  std::size_t total = 0;
  auto next_line = [&]() -> Result<std::string> {
    if (total >= limits.max_header_bytes) return Malformed("header too large");
    auto line = in.ReadLine(std::min(limits.max_line_bytes, limits.max_header_bytes - total));
    if (!line) {
      if (line.error().code == Errc::kMalformed) return Malformed("header: " + line.error().detail);
      return line.error();
    }
    total += line->size();
    return line;
  };

  VIGIL_ASSIGN_OR_RETURN(std::string version, next_line());
  if (version != kVersionLine) return Malformed("unsupported version line or not an age file");
  header.signed_part = version;

  while (true) {
    VIGIL_ASSIGN_OR_RETURN(std::string line, next_line());
    if (line.starts_with("---")) {
      header.signed_part += "---";
      // Format: "--- " 43base64char LF
      if (line.size() != 4 + 43 + 1 || line[3] != ' ') return Malformed("malformed MAC line");
      auto mac = Base64Decode(std::string_view(line).substr(4, 43), Base64Padding::kUnpadded);
      if (!mac || mac->size() != 32) return Malformed("malformed MAC");
      header.mac = std::move(*mac);
      break;
    }
    if (!line.starts_with("-> ")) return Malformed("expected a stanza or the MAC line");
    if (header.stanzas.size() >= limits.max_stanzas) return Malformed("too many stanzas");
    header.signed_part += line;
    VIGIL_ASSIGN_OR_RETURN(std::vector<std::string> args, ParseArgLine(line));
    Stanza stanza;
    stanza.type = std::move(args.front());
    stanza.args.assign(std::make_move_iterator(args.begin() + 1),
                       std::make_move_iterator(args.end()));

    // Body: full 64-column lines, ended by exactly one shorter line (possibly empty).
    std::string body_text;
    while (true) {
      VIGIL_ASSIGN_OR_RETURN(std::string body_line, next_line());
      header.signed_part += body_line;
      std::string_view text(body_line.data(), body_line.size() - 1);
      if (text.size() > kColumns) return Malformed("stanza body line longer than 64 columns");
      for (char c : text) {
        if (!IsBase64Char(c)) return Malformed("invalid character in stanza body");
      }
      body_text += text;
      if (text.size() < kColumns) break;
    }
    auto body = Base64Decode(body_text, Base64Padding::kUnpadded);
    if (!body) return Malformed("stanza body is not canonical base64");
    stanza.body = std::move(*body);
    header.stanzas.push_back(std::move(stanza));
  }
  if (header.stanzas.empty()) return Malformed("header has no recipient stanza");
  return header;
}

std::string EncodeHeaderWithoutMac(const std::vector<Stanza>& stanzas) {
  std::string out(kVersionLine);
  for (const Stanza& s : stanzas) {
    out += "-> ";
    out += s.type;
    for (const std::string& a : s.args) {
      out += ' ';
      out += a;
    }
    out += '\n';
    std::string body = Base64Encode(s.body, Base64Padding::kUnpadded);
    std::size_t pos = 0;
    // Every full line is followed by a newline; the final line is shorter than 64 (maybe empty).
    while (body.size() - pos >= kColumns) {
      out.append(body, pos, kColumns);
      out += '\n';
      pos += kColumns;
    }
    out.append(body, pos, std::string::npos);
    out += '\n';
  }
  out += "---";
  return out;
}

Bytes SealFileKey(const SecretBytes& wrap_key, const SecretBytes& file_key) {
  Bytes body(file_key.size() + crypto::kAeadTagSize);
  crypto::ChaCha20Poly1305(wrap_key.span()).Seal(crypto::AeadNonce{}, file_key.span(), body);
  return body;
}

std::optional<SecretBytes> OpenFileKey(const SecretBytes& wrap_key, ByteSpan body) {
  SecretBytes file_key(kFileKeySize);
  if (!crypto::ChaCha20Poly1305(wrap_key.span()).Open(crypto::AeadNonce{}, body, file_key.span()))
    return std::nullopt;
  return file_key;
}

Bytes ComputeHeaderMac(const SecretBytes& file_key, std::string_view signed_part) {
  SecretBytes key = crypto::HkdfSha256(file_key.span(), {}, AsBytes("header"), 32);
  auto tag = crypto::HmacSha256(key.span(), AsBytes(signed_part));
  return Bytes(tag.begin(), tag.end());
}

}  // namespace vigil::age
