#include "crypto/age/armor.h"

#include <gtest/gtest.h>

namespace vigil::age {
namespace {

Result<Bytes> Dearmor(std::string_view text) {
  MemorySource mem(AsBytes(text));
  BufferedSource in(mem);
  ArmorReader reader(in);
  Bytes out(1 << 20);
  auto n = ReadFull(reader, out);
  if (!n) return n.error();
  out.resize(*n);
  return out;
}

std::string Armor(ByteSpan data) {
  Bytes out;
  BytesSink sink(out);
  ArmorWriter writer(sink);
  EXPECT_TRUE(writer.Write(data));
  EXPECT_TRUE(writer.Close());
  return ToString(out);
}

TEST(AgeArmor, RoundTripsAllLineRemainders) {
  for (std::size_t n : {0u, 1u, 47u, 48u, 49u, 96u, 1000u}) {
    Bytes data(n);
    for (std::size_t i = 0; i < n; ++i) data[i] = static_cast<std::uint8_t>(i);
    std::string text = Armor(data);
    EXPECT_TRUE(text.starts_with("-----BEGIN AGE ENCRYPTED FILE-----\n"));
    EXPECT_TRUE(text.ends_with("-----END AGE ENCRYPTED FILE-----\n"));
    auto back = Dearmor(text);
    ASSERT_TRUE(back) << n << back.error().ToString();
    EXPECT_EQ(*back, data);
  }
}

TEST(AgeArmor, RejectsNonStrictEncodings) {
  const std::string b = "-----BEGIN AGE ENCRYPTED FILE-----\n";
  const std::string e = "-----END AGE ENCRYPTED FILE-----\n";
  std::string cases[] = {
      "junk\n" + b + "Zm9v\n" + e,                       // leading garbage
      b + "Zm9v\n" + e + "junk",                         // trailing garbage
      b + "Zm9v \n" + e,                                 // space at end of line
      b + " Zm9v\n" + e,                                 // space at line start
      b + "Zg\n" + e,                                    // missing padding
      b + "Zh==\n" + e,                                  // non-canonical
      b + "Zg==\nZm9v\n" + e,                            // padded line not last
      b + "Zm9v\n\n" + e,                                // empty line
      b + "Zm9v\n",                                      // no end line
      "-----BEGIN age encrypted file-----\nZm9v\n" + e,  // label case
  };
  for (const auto& c : cases) EXPECT_EQ(Dearmor(c).error().code, Errc::kBadArmor) << c;
}

TEST(AgeArmor, AcceptsCrlfAndSurroundingWhitespace) {
  auto r = Dearmor(
      "\n \t-----BEGIN AGE ENCRYPTED FILE-----\r\nZm9v\r\n-----END AGE ENCRYPTED FILE-----\r\n \n");
  ASSERT_TRUE(r);
  EXPECT_EQ(ToString(*r), "foo");
  EXPECT_TRUE(LooksArmored(AsBytes("  -----BEGIN AGE")));
  EXPECT_FALSE(LooksArmored(AsBytes("age-encryption.org/v1")));
}

}  // namespace
}  // namespace vigil::age
