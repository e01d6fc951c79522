#include "base/base64.h"

#include <array>

namespace vigil {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

constexpr std::array<std::int8_t, 256> MakeDecodeTable() {
  std::array<std::int8_t, 256> table{};
  for (auto& v : table) v = -1;
  for (int i = 0; i < 64; ++i)
    table[static_cast<unsigned char>(kAlphabet[i])] = static_cast<std::int8_t>(i);
  return table;
}
constexpr auto kDecode = MakeDecodeTable();

}  // namespace

std::size_t Base64EncodedLength(std::size_t n, Base64Padding padding) {
  if (padding == Base64Padding::kPadded) return (n + 2) / 3 * 4;
  return n / 3 * 4 + (n % 3 == 0 ? 0 : n % 3 + 1);
}

std::string Base64Encode(ByteSpan data, Base64Padding padding) {
  // Written into a buffer of the final size: ciphertext lists encode megabytes per response.
  std::string out(Base64EncodedLength(data.size(), padding), '\0');
  char* o = out.data();
  std::size_t i = 0;
  for (; i + 3 <= data.size(); i += 3, o += 4) {
    std::uint32_t v = std::uint32_t{data[i]} << 16 | std::uint32_t{data[i + 1]} << 8 | data[i + 2];
    o[0] = kAlphabet[v >> 18 & 63];
    o[1] = kAlphabet[v >> 12 & 63];
    o[2] = kAlphabet[v >> 6 & 63];
    o[3] = kAlphabet[v & 63];
  }
  std::size_t rest = data.size() - i;
  if (rest == 0) return out;
  std::uint32_t v =
      std::uint32_t{data[i]} << 16 | (rest == 2 ? std::uint32_t{data[i + 1]} << 8 : 0);
  *o++ = kAlphabet[v >> 18 & 63];
  *o++ = kAlphabet[v >> 12 & 63];
  if (rest == 2) *o++ = kAlphabet[v >> 6 & 63];
  if (padding == Base64Padding::kPadded) *o++ = '=';
  if (padding == Base64Padding::kPadded && rest == 1) *o++ = '=';
  return out;
}

Result<Bytes> Base64Decode(std::string_view text, Base64Padding padding) {
  std::size_t pad = 0;
  if (padding == Base64Padding::kPadded) {
    if (text.size() % 4 != 0)
      return MakeError(Errc::kInvalidArgument, "base64: length not a multiple of 4");
    while (pad < 2 && pad < text.size() && text[text.size() - 1 - pad] == '=') ++pad;
    text.remove_suffix(pad);
  } else if (text.size() % 4 == 1) {
    return MakeError(Errc::kInvalidArgument, "base64: impossible length");
  }
  Bytes out;
  out.reserve(text.size() * 3 / 4);
  std::uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    std::int8_t v = kDecode[static_cast<unsigned char>(c)];
    if (v < 0) return MakeError(Errc::kInvalidArgument, "base64: invalid character");
    acc = acc << 6 | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<std::uint8_t>(acc >> bits));
      acc &= (1u << bits) - 1;
    }
  }
  // Security: reject non-canonical encodings, so one value has exactly one encoding and
  // MACs over re-encoded headers cannot be bypassed (age spec, "encoding").
  if (acc != 0) return MakeError(Errc::kInvalidArgument, "base64: non-canonical trailing bits");
  if (padding == Base64Padding::kPadded && (text.size() + pad) % 4 != 0)
    return MakeError(Errc::kInvalidArgument, "base64: bad padding");
  if (padding == Base64Padding::kPadded && pad > 0 && text.size() % 4 != 4 - pad)
    return MakeError(Errc::kInvalidArgument, "base64: bad padding");
  return out;
}

}  // namespace vigil
