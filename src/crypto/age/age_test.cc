#include "crypto/age/age.h"

#include <gtest/gtest.h>

#include "crypto/age/scrypt_recipient.h"
#include "crypto/age/x25519_recipient.h"
#include "testing/seeded_random.h"
#include "testing/trickle_source.h"

namespace vigil::age {
namespace {

using vigil::testing::SeededRandom;

Bytes Pattern(std::size_t n) {
  Bytes out(n);
  for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<std::uint8_t>(i * 131 + (i >> 16));
  return out;
}

class AgeRoundTrip : public ::testing::Test {
 protected:
  SeededRandom random_{42};
  X25519Identity identity_ = X25519Identity::Generate(random_);
  X25519Recipient recipient_ = identity_.ToRecipient();
  const Recipient* recipients_[1] = {&recipient_};
  const Identity* identities_[1] = {&identity_};
};

TEST_F(AgeRoundTrip, RoundTripsChunkBoundarySizesBinaryAndArmored) {
  for (std::size_t size : {0u, 1u, 65535u, 65536u, 65537u, 2u * 65536u, 1048576u + 17u}) {
    for (bool armor : {false, true}) {
      for (std::size_t threads : {1u, 2u}) {
        EncryptOptions eo;
        eo.armor = armor;
        eo.stream = {threads, 2};
        Bytes plain = Pattern(size);
        auto sealed = EncryptBytes(plain, recipients_, random_, eo);
        ASSERT_TRUE(sealed);
        std::size_t chunks = size == 0 ? 1 : (size + kChunkSize - 1) / kChunkSize;
        if (!armor) {
          // Header, 16-byte nonce, one tag per chunk.
          EXPECT_GT(sealed->size(), size + 16 + 16 * chunks);
        }
        DecryptOptions dopt;
        dopt.stream = {3 - threads, 3};
        auto opened = DecryptBytes(*sealed, identities_, dopt);
        ASSERT_TRUE(opened) << size << " " << armor << " " << opened.error().ToString();
        EXPECT_EQ(*opened, plain) << size;
      }
    }
  }
}

TEST_F(AgeRoundTrip, ProducesSameBytesWhateverTheWriteSizes) {
  // Fixed randomness: the file depends only on the plaintext, not on how it was fed.
  Bytes plain = Pattern(300000);
  Bytes a, b;
  {
    SeededRandom r(7);
    auto s = EncryptBytes(plain, recipients_, r, {false, {2, 1}});
    ASSERT_TRUE(s);
    a = *s;
  }
  {
    SeededRandom r(7);
    BytesSink sink(b);
    auto enc = Encryptor::Create(sink, recipients_, r, {false, {1, 4}});
    ASSERT_TRUE(enc);
    for (std::size_t pos = 0; pos < plain.size(); pos += 777)
      ASSERT_TRUE((*enc)->Write(
          ByteSpan(plain).subspan(pos, std::min<std::size_t>(777, plain.size() - pos))));
    ASSERT_TRUE((*enc)->Close());
  }
  EXPECT_EQ(a, b);
}

TEST_F(AgeRoundTrip, WrongIdentityIsNoMatch) {
  auto sealed = EncryptBytes(AsBytes("secret"), recipients_, random_);
  ASSERT_TRUE(sealed);
  X25519Identity other = X25519Identity::Generate(random_);
  const Identity* ids[] = {&other};
  EXPECT_EQ(DecryptBytes(*sealed, ids).error().code, Errc::kNoMatch);
}

TEST_F(AgeRoundTrip, SecondIdentityOfSeveralOpens) {
  X25519Identity other = X25519Identity::Generate(random_);
  const Identity* ids[] = {&other, &identity_};
  auto sealed = EncryptBytes(AsBytes("x"), recipients_, random_);
  ASSERT_TRUE(sealed);
  EXPECT_TRUE(DecryptBytes(*sealed, ids));
}

TEST_F(AgeRoundTrip, EveryFlippedByteIsDetected) {
  Bytes plain = Pattern(70000);  // two chunks
  auto sealed = EncryptBytes(plain, recipients_, random_);
  ASSERT_TRUE(sealed);
  // Header bytes fail as header/MAC/no-match errors; payload bytes as kCorrupt.
  std::size_t header_end =
      std::string_view(reinterpret_cast<const char*>(sealed->data()), sealed->size()).find("\n---");
  ASSERT_NE(header_end, std::string::npos);
  for (std::size_t i = 0; i < sealed->size(); i += 97) {
    Bytes bad = *sealed;
    bad[i] ^= 0x20;
    auto r = DecryptBytes(bad, identities_);
    ASSERT_FALSE(r) << "flip at " << i;
    if (i > header_end + 50) {
      EXPECT_EQ(r.error().code, Errc::kCorrupt) << i;
    }
  }
}

TEST_F(AgeRoundTrip, TruncationIsCorruptAndReleasesOnlyAuthenticatedChunks) {
  Bytes plain = Pattern(3 * kChunkSize + 10);
  auto sealed = EncryptBytes(plain, recipients_, random_);
  ASSERT_TRUE(sealed);
  Bytes cut(sealed->begin(), sealed->end() - 5);
  MemorySource src(cut);
  auto dec = Decryptor::Open(src, identities_, {ArmorMode::kDetect, {}, {1, 1}});
  ASSERT_TRUE(dec);
  Bytes got, buf(kChunkSize);
  Error failure;
  while (true) {
    auto n = (*dec)->Read(buf);
    if (!n) {
      failure = n.error();
      break;
    }
    ASSERT_NE(*n, 0u) << "truncated file reported as complete";
    got.insert(got.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(*n));
  }
  EXPECT_EQ(failure.code, Errc::kCorrupt);
  EXPECT_EQ(got, Bytes(plain.begin(), plain.begin() + 3 * kChunkSize));
}

TEST_F(AgeRoundTrip, DroppingAWholeFinalChunkIsDetected) {
  Bytes plain = Pattern(2 * kChunkSize + 100);
  auto sealed = EncryptBytes(plain, recipients_, random_);
  ASSERT_TRUE(sealed);
  Bytes cut(sealed->begin(), sealed->end() - 116);  // the final 100-byte chunk and its tag
  EXPECT_EQ(DecryptBytes(cut, identities_).error().code, Errc::kCorrupt);
}

TEST_F(AgeRoundTrip, EmptyAndGarbageInputsAreHeaderFailures) {
  EXPECT_EQ(DecryptBytes({}, identities_).error().code, Errc::kMalformed);
  EXPECT_EQ(DecryptBytes(AsBytes("hello world\n"), identities_).error().code, Errc::kMalformed);
  EXPECT_EQ(
      DecryptBytes(AsBytes("-----BEGIN AGE ENCRYPTED FILE-----\nzz\n"), identities_).error().code,
      Errc::kBadArmor);
}

TEST(AgeScrypt, PassphraseRoundTripAndWrongPassphrase) {
  SeededRandom random(1);
  ScryptRecipient recipient(SecretBytes(AsBytes("correct horse")), 10);
  const Recipient* rs[] = {&recipient};
  auto sealed = EncryptBytes(AsBytes("payload"), rs, random);
  ASSERT_TRUE(sealed);
  ScryptIdentity good(SecretBytes(AsBytes("correct horse")));
  ScryptIdentity bad(SecretBytes(AsBytes("wrong horse")));
  const Identity* good_ids[] = {&good};
  const Identity* bad_ids[] = {&bad};
  EXPECT_EQ(ToString(*DecryptBytes(*sealed, good_ids)), "payload");
  EXPECT_EQ(DecryptBytes(*sealed, bad_ids).error().code, Errc::kNoMatch);
}

TEST(AgeScrypt, WorkFactorAboveLimitIsRefusedBeforeAnyWork) {
  SeededRandom random(1);
  ScryptRecipient recipient(SecretBytes(AsBytes("pw")), 12);
  const Recipient* rs[] = {&recipient};
  auto sealed = EncryptBytes(AsBytes("payload"), rs, random);
  ASSERT_TRUE(sealed);
  ScryptIdentity limited(SecretBytes(AsBytes("pw")), 11);
  const Identity* ids[] = {&limited};
  EXPECT_EQ(DecryptBytes(*sealed, ids).error().code, Errc::kResourceExhausted);
}

TEST(AgeScrypt, CannotBeMixedWithOtherRecipients) {
  SeededRandom random(1);
  ScryptRecipient pass(SecretBytes(AsBytes("pw")), 10);
  X25519Recipient x = X25519Identity::Generate(random).ToRecipient();
  const Recipient* rs[] = {&pass, &x};
  EXPECT_EQ(EncryptBytes(AsBytes("p"), rs, random).error().code, Errc::kInvalidArgument);
}

TEST(AgeEncrypt, NeedsARecipient) {
  SeededRandom random(1);
  EXPECT_EQ(EncryptBytes(AsBytes("p"), {}, random).error().code, Errc::kInvalidArgument);
}

}  // namespace
}  // namespace vigil::age

namespace vigil::age {
namespace {

TEST(AgeStreams, ReadFromAndWriteToMatchWriteAndRead) {
  vigil::testing::SeededRandom keys(3);
  X25519Identity identity = X25519Identity::Generate(keys);
  X25519Recipient recipient = identity.ToRecipient();
  const Recipient* rs[] = {&recipient};
  const Identity* ids[] = {&identity};
  for (std::size_t size : {0u, 5u, 65536u, 4u * 65536u, 4u * 65536u + 1u, 1000000u}) {
    Bytes plain = Pattern(size);
    Bytes via_write, via_read_from;
    {
      vigil::testing::SeededRandom r(9);
      auto sealed = EncryptBytes(plain, rs, r, {false, {2, 2}});
      ASSERT_TRUE(sealed);
      via_write = *sealed;
    }
    {
      vigil::testing::SeededRandom r(9);
      BytesSink sink(via_read_from);
      auto enc = Encryptor::Create(sink, rs, r, {false, {2, 2}});
      ASSERT_TRUE(enc);
      vigil::testing::TrickleSource in(plain, 10007);
      ASSERT_TRUE((*enc)->ReadFrom(in));
      ASSERT_TRUE((*enc)->Close());
    }
    EXPECT_EQ(via_write, via_read_from) << size;
    MemorySource src(via_read_from);
    auto dec = Decryptor::Open(src, ids, {ArmorMode::kDetect, {}, {2, 2}});
    ASSERT_TRUE(dec);
    Bytes out;
    BytesSink out_sink(out);
    ASSERT_TRUE((*dec)->WriteTo(out_sink));
    EXPECT_EQ(out, plain) << size;
  }
}

}  // namespace
}  // namespace vigil::age
