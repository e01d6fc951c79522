#include "reports/ciphertext.h"

#include <gtest/gtest.h>

#include "crypto/age/age.h"
#include "crypto/age/scrypt_recipient.h"
#include "crypto/age/x25519_recipient.h"
#include "testing/seeded_random.h"

namespace vigil::reports {
namespace {

class CiphertextTest : public ::testing::Test {
 protected:
  Bytes Encrypt(std::size_t plaintext_size, std::size_t recipients) {
    std::vector<age::X25519Recipient> keys;
    for (std::size_t i = 0; i < recipients; ++i)
      keys.push_back(age::X25519Identity::Generate(random_).ToRecipient());
    std::vector<const age::Recipient*> pointers;
    for (const auto& k : keys) pointers.push_back(&k);
    return *age::EncryptBytes(Bytes(plaintext_size, 'x'), pointers, random_);
  }
  vigil::testing::SeededRandom random_{3};
};

TEST_F(CiphertextTest, AcceptsAgeFilesWithTheExpectedRecipients) {
  for (std::size_t size : {0, 1, 65535, 65536, 65537, 200000})
    EXPECT_TRUE(CheckAgeFile(Encrypt(size, 2), 2)) << size;
}

TEST_F(CiphertextTest, RefusesAnotherNumberOfRecipients) {
  EXPECT_EQ(CheckAgeFile(Encrypt(10, 1), 2).error().code, Errc::kInvalidArgument);
  EXPECT_EQ(CheckAgeFile(Encrypt(10, 3), 2).error().code, Errc::kInvalidArgument);
}

TEST_F(CiphertextTest, RefusesPassphraseRecipients) {
  age::ScryptRecipient scrypt(SecretBytes(ToBytes("a passphrase")), 10);
  const age::Recipient* r[] = {&scrypt};
  Bytes file = *age::EncryptBytes(ToBytes("x"), r, random_);
  EXPECT_EQ(CheckAgeFile(file, 1).error().code, Errc::kInvalidArgument);
}

TEST_F(CiphertextTest, RefusesWhatIsNotAge) {
  EXPECT_EQ(CheckAgeFile(ToBytes("Dear coordinator, they came at night"), 2).error().code,
            Errc::kMalformed);
  EXPECT_EQ(CheckAgeFile({}, 2).error().code, Errc::kMalformed);
  Bytes file = Encrypt(100, 2);
  std::string text(file.begin(), file.end());
  text.replace(text.find("age-encryption.org/v1"), 3, "AGE");
  EXPECT_EQ(CheckAgeFile(ToBytes(text), 2).error().code, Errc::kMalformed);
}

TEST_F(CiphertextTest, RefusesPayloadsOfAnImpossibleLength) {
  // Only the length can be checked without a key: a cut inside the last chunk's tag, or a
  // payload shorter than a nonce and one tag. (A cut on a chunk boundary looks like a shorter
  // file; the reader's key finds it.)
  Bytes small = Encrypt(100, 2);    // payload: 16-byte nonce, one 116-byte chunk
  Bytes large = Encrypt(65537, 2);  // payload: nonce, a full chunk, a 17-byte chunk
  auto cut = [](const Bytes& file, std::size_t n) {
    return Bytes(file.begin(), file.end() - static_cast<std::ptrdiff_t>(n));
  };
  EXPECT_EQ(CheckAgeFile(cut(small, 132), 2).error().code, Errc::kMalformed);
  EXPECT_EQ(CheckAgeFile(cut(small, 110), 2).error().code, Errc::kMalformed);
  EXPECT_EQ(CheckAgeFile(cut(large, 2), 2).error().code, Errc::kMalformed);
  EXPECT_TRUE(CheckAgeFile(cut(large, 17), 2));
}

}  // namespace
}  // namespace vigil::reports
