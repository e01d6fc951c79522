#include "base/error.h"

#include <gtest/gtest.h>

namespace vigil {
namespace {

Result<int> Half(int x) {
  if (x % 2 != 0) return MakeError(Errc::kInvalidArgument, "odd");
  return x / 2;
}

Result<int> Quarter(int x) {
  VIGIL_ASSIGN_OR_RETURN(int h, Half(x));
  VIGIL_ASSIGN_OR_RETURN(int q, Half(h));
  return q;
}

Status CheckEven(int x) {
  VIGIL_RETURN_IF_ERROR(Half(x));
  return OkStatus();
}

TEST(Result, PropagatesErrorsThroughMacros) {
  EXPECT_EQ(*Quarter(8), 2);
  auto bad = Quarter(6);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, Errc::kInvalidArgument);
  EXPECT_EQ(bad.error().ToString(), "invalid_argument: odd");
  EXPECT_TRUE(CheckEven(2));
  EXPECT_FALSE(CheckEven(3));
}

TEST(Errc, NamesAreStableSnakeCase) {
  EXPECT_EQ(ErrcName(Errc::kNotFound), "not_found");
  EXPECT_EQ(ErrcName(Errc::kBadHeaderMac), "bad_header_mac");
}

}  // namespace
}  // namespace vigil
