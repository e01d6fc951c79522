#include "crypto/sha256.h"

#include <gtest/gtest.h>

#include "base/hex.h"

namespace vigil::crypto {
namespace {

TEST(Sha256, MatchesFips180Examples) {
  EXPECT_EQ(HexEncode(Sha256(AsBytes("abc"))),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(HexEncode(Sha256(AsBytes(""))),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(Sha256, IncrementalEqualsOneShotAndResets) {
  Sha256Hasher h;
  h.Update(AsBytes("a"));
  h.Update(AsBytes("bc"));
  EXPECT_EQ(h.Finish(), Sha256(AsBytes("abc")));
  h.Update(AsBytes("abc"));
  EXPECT_EQ(h.Finish(), Sha256(AsBytes("abc")));
}

}  // namespace
}  // namespace vigil::crypto
