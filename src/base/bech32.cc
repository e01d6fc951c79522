#include "base/bech32.h"

#include <array>

#include "base/check.h"

namespace vigil {
namespace {

constexpr char kCharset[] = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

std::uint32_t Polymod(const std::vector<std::uint8_t>& values) {
  static constexpr std::array<std::uint32_t, 5> kGen = {0x3b6a57b2, 0x26508e6d, 0x1ea119fa,
                                                        0x3d4233dd, 0x2a1462b3};
  std::uint32_t chk = 1;
  for (std::uint8_t v : values) {
    std::uint32_t top = chk >> 25;
    chk = (chk & 0x1ffffff) << 5 ^ v;
    for (int i = 0; i < 5; ++i) {
      if ((top >> i) & 1) chk ^= kGen[i];
    }
  }
  return chk;
}

std::vector<std::uint8_t> ExpandHrp(std::string_view hrp) {
  std::vector<std::uint8_t> out;
  out.reserve(hrp.size() * 2 + 1);
  for (char c : hrp) out.push_back(static_cast<std::uint8_t>(static_cast<unsigned char>(c) >> 5));
  out.push_back(0);
  for (char c : hrp) out.push_back(static_cast<std::uint8_t>(static_cast<unsigned char>(c) & 31));
  return out;
}

// Regroups bits; `pad` adds zero bits at the end (encoding), otherwise leftover bits must be
// fewer than `from` and zero (decoding).
bool ConvertBits(ByteSpan in, int from, int to, bool pad, std::vector<std::uint8_t>& out) {
  std::uint32_t acc = 0;
  int bits = 0;
  const std::uint32_t maxv = (1u << to) - 1;
  for (std::uint8_t v : in) {
    if (v >> from) return false;
    acc = acc << from | v;
    bits += from;
    while (bits >= to) {
      bits -= to;
      out.push_back(static_cast<std::uint8_t>(acc >> bits & maxv));
    }
    acc &= (1u << bits) - 1;
  }
  if (pad) {
    if (bits > 0) out.push_back(static_cast<std::uint8_t>(acc << (to - bits) & maxv));
  } else if (bits >= from || acc != 0) {
    return false;
  }
  return true;
}

}  // namespace

std::string Bech32Encode(std::string_view hrp, ByteSpan data) {
  CHECK(!hrp.empty() && hrp.size() <= 83);
  for (char c : hrp) CHECK(c >= 33 && c <= 126 && !(c >= 'A' && c <= 'Z'));
  std::vector<std::uint8_t> values;
  CHECK(ConvertBits(data, 8, 5, true, values));
  std::vector<std::uint8_t> check_input = ExpandHrp(hrp);
  check_input.insert(check_input.end(), values.begin(), values.end());
  check_input.insert(check_input.end(), 6, 0);
  std::uint32_t mod = Polymod(check_input) ^ 1;
  std::string out(hrp);
  out.push_back('1');
  for (std::uint8_t v : values) out.push_back(kCharset[v]);
  for (int i = 0; i < 6; ++i) out.push_back(kCharset[(mod >> (5 * (5 - i))) & 31]);
  return out;
}

Result<Bech32Data> Bech32Decode(std::string_view text) {
  bool lower = false, upper = false;
  for (char c : text) {
    if (c < 33 || c > 126) return MakeError(Errc::kInvalidArgument, "bech32: invalid character");
    if (c >= 'a' && c <= 'z') lower = true;
    if (c >= 'A' && c <= 'Z') upper = true;
  }
  if (lower && upper) return MakeError(Errc::kInvalidArgument, "bech32: mixed case");
  std::size_t sep = text.rfind('1');
  if (sep == std::string_view::npos || sep == 0 || sep + 7 > text.size())
    return MakeError(Errc::kInvalidArgument, "bech32: missing separator or checksum");
  Bech32Data result;
  result.hrp.reserve(sep);
  for (char c : text.substr(0, sep)) result.hrp.push_back(c >= 'A' && c <= 'Z' ? char(c + 32) : c);
  std::vector<std::uint8_t> values;
  values.reserve(text.size() - sep - 1);
  for (char c : text.substr(sep + 1)) {
    char lc = c >= 'A' && c <= 'Z' ? char(c + 32) : c;
    const char* pos = nullptr;
    for (const char* p = kCharset; *p; ++p) {
      if (*p == lc) {
        pos = p;
        break;
      }
    }
    if (pos == nullptr) return MakeError(Errc::kInvalidArgument, "bech32: invalid data character");
    values.push_back(static_cast<std::uint8_t>(pos - kCharset));
  }
  std::vector<std::uint8_t> check_input = ExpandHrp(result.hrp);
  check_input.insert(check_input.end(), values.begin(), values.end());
  if (Polymod(check_input) != 1) return MakeError(Errc::kInvalidArgument, "bech32: bad checksum");
  values.resize(values.size() - 6);
  if (!ConvertBits(values, 5, 8, false, result.data))
    return MakeError(Errc::kInvalidArgument, "bech32: bad padding");
  return result;
}

}  // namespace vigil
