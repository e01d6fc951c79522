#include "auth/passphrase.h"

#include <algorithm>
#include <array>

#include "base/check.h"

namespace vigil::auth {
namespace {

// Generated at configure time from data/wordlists/eff_large_wordlist.txt (CMakeLists.txt).
constexpr std::array<std::string_view, kWordListSize> kWords = {
#include "eff_wordlist.inc"
};

// A uniform index below kWordListSize, by rejection of the biased tail of a 16-bit draw.
std::size_t UniformIndex(Random& random) {
  constexpr std::uint32_t kLimit = 65536 - 65536 % kWordListSize;
  for (;;) {
    std::array<std::uint8_t, 2> draw{};
    random.Fill(draw);
    std::uint32_t value = (std::uint32_t{draw[0]} << 8) | draw[1];
    if (value < kLimit) return value % kWordListSize;
  }
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

}  // namespace

std::span<const std::string_view> WordList() { return kWords; }

SecretBytes GeneratePassphrase(Random& random, std::size_t words) {
  CHECK(words > 0);
  std::size_t length = words - 1;
  std::array<std::size_t, 64> chosen{};
  CHECK(words <= chosen.size());
  for (std::size_t i = 0; i < words; ++i) {
    chosen[i] = UniformIndex(random);
    length += kWords[chosen[i]].size();
  }
  SecretBytes out(length);
  std::size_t at = 0;
  for (std::size_t i = 0; i < words; ++i) {
    if (i > 0) out.data()[at++] = ' ';
    std::string_view word = kWords[chosen[i]];
    std::copy(word.begin(), word.end(), out.data() + at);
    at += word.size();
  }
  return out;
}

SecretBytes NormalizePassphrase(std::string_view passphrase) {
  std::size_t begin = 0, end = passphrase.size();
  while (begin < end && IsSpace(passphrase[begin])) ++begin;
  while (end > begin && IsSpace(passphrase[end - 1])) --end;
  SecretBytes buffer(end - begin);
  std::size_t n = 0;
  for (std::size_t i = begin; i < end; ++i) {
    char c = passphrase[i];
    if (IsSpace(c)) {
      if (buffer.data()[n - 1] != ' ') buffer.data()[n++] = ' ';
      continue;
    }
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    buffer.data()[n++] = static_cast<std::uint8_t>(c);
  }
  return SecretBytes(buffer.span().first(n));
}

std::size_t CountListWords(std::string_view normalized) {
  std::size_t count = 0;
  while (!normalized.empty()) {
    std::size_t space = normalized.find(' ');
    std::string_view word = normalized.substr(0, space);
    // The list is sorted, so a binary search finds a word.
    if (!std::binary_search(kWords.begin(), kWords.end(), word)) return 0;
    ++count;
    normalized = space == std::string_view::npos ? "" : normalized.substr(space + 1);
  }
  return count;
}

}  // namespace vigil::auth
