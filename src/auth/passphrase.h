// Passphrases from the EFF large word list (data/wordlists/), and the one normal form every
// derivation starts from (docs/formats/derivation.md, "Normal form").
#pragma once

#include <span>
#include <string_view>

#include "base/random.h"
#include "base/secret.h"

namespace vigil::auth {

inline constexpr std::size_t kWordListSize = 7776;
inline constexpr std::size_t kReporterWords = 8;  // about 103 bits (DESIGN.md section 3)
inline constexpr std::size_t kStaffWords = 6;     // the least a staff passphrase may have

// The 7,776 words, in the list's order.
std::span<const std::string_view> WordList();

// `words` words chosen uniformly and independently, joined by single spaces.
SecretBytes GeneratePassphrase(Random& random, std::size_t words = kReporterWords);

// Leading and trailing white space dropped, each run of white space (space, tab, CR, LF)
// made one space, ASCII upper case made lower case; other bytes are kept as they are.
SecretBytes NormalizePassphrase(std::string_view passphrase);

// How many words of `passphrase` (normalised) are in the list, when all of them are; 0
// otherwise. Used to tell a generated passphrase from a chosen one.
std::size_t CountListWords(std::string_view normalized);

}  // namespace vigil::auth
