#include "base/io.h"

#include <gtest/gtest.h>

#include "testing/trickle_source.h"

namespace vigil {
namespace {

TEST(BufferedSource, ReadsLinesThenRawBytesAcrossShortReads) {
  std::string text = "first\nsecond line\nrest-of-stream";
  vigil::testing::TrickleSource trickle(AsBytes(text), 3);
  BufferedSource in(trickle, 8);
  EXPECT_EQ(*in.ReadLine(100), "first\n");
  EXPECT_EQ(*in.ReadLine(100), "second line\n");
  auto peek = in.Peek(4);
  ASSERT_TRUE(peek);
  EXPECT_EQ(AsChars(*peek), "rest");
  Bytes rest(100);
  auto n = ReadFull(in, rest);
  ASSERT_TRUE(n);
  EXPECT_EQ(AsChars(ByteSpan(rest).first(*n)), "rest-of-stream");
}

TEST(BufferedSource, RejectsOverlongAndUnterminatedLines) {
  std::string text = "0123456789\nabc";
  MemorySource mem(AsBytes(text));
  BufferedSource in(mem);
  EXPECT_EQ(in.ReadLine(5).error().code, Errc::kMalformed);
  MemorySource mem2(AsBytes("abc"));
  BufferedSource in2(mem2);
  EXPECT_EQ(in2.ReadLine(100).error().code, Errc::kMalformed);
}

}  // namespace
}  // namespace vigil
