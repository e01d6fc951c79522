#include "base/secret.h"

#include <gtest/gtest.h>

namespace vigil {
namespace {

TEST(SecretBytes, CopiesAndMovesContents) {
  Bytes raw = {1, 2, 3};
  SecretBytes a(raw);
  ASSERT_EQ(a.size(), 3u);
  EXPECT_EQ(a.data()[2], 3);
  SecretBytes b = std::move(a);
  EXPECT_EQ(a.size(), 0u);  // NOLINT(bugprone-use-after-move): moved-from state is specified
  EXPECT_EQ(b.size(), 3u);
  SecretBytes c = b.Clone();
  EXPECT_EQ(c.chars(), b.chars());
}

TEST(SecretBytes, SecureZeroClearsMemory) {
  std::uint8_t buf[16];
  for (auto& x : buf) x = 0xaa;
  SecureZero(buf, sizeof buf);
  for (auto x : buf) EXPECT_EQ(x, 0);
}

}  // namespace
}  // namespace vigil
