#include "crypto/x25519.h"

#include <gtest/gtest.h>

#include "base/hex.h"

namespace vigil::crypto {
namespace {

SecretBytes Secret(const char* hex) { return SecretBytes(*HexDecode(hex)); }

// RFC 7748 section 6.1.
TEST(X25519, MatchesRfc7748DiffieHellmanExample) {
  SecretBytes alice = Secret("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
  SecretBytes bob = Secret("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
  auto alice_pub = X25519PublicFromPrivate(alice);
  auto bob_pub = X25519PublicFromPrivate(bob);
  EXPECT_EQ(HexEncode(alice_pub),
            "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
  EXPECT_EQ(HexEncode(bob_pub), "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
  auto shared1 = X25519(alice, bob_pub);
  auto shared2 = X25519(bob, alice_pub);
  ASSERT_TRUE(shared1 && shared2);
  EXPECT_EQ(HexEncode(shared1->span()),
            "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
  EXPECT_EQ(HexEncode(shared2->span()), HexEncode(shared1->span()));
}

TEST(X25519, RejectsLowOrderPointAndWrongLength) {
  SecretBytes alice = Secret("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
  Bytes zero(32, 0);
  EXPECT_EQ(X25519(alice, zero).error().code, Errc::kInvalidArgument);
  EXPECT_EQ(X25519(alice, Bytes(31, 9)).error().code, Errc::kInvalidArgument);
}

}  // namespace
}  // namespace vigil::crypto
