#include "api/json.h"

#include <gtest/gtest.h>

namespace vigil::api {
namespace {

TEST(JsonObject, ReadsTypedFields) {
  auto o = JsonObject::Parse(R"({"a":"x","b":"AAEC","h":"00ff","list":["p","q"]})",
                             {"a", "b", "h", "list", "absent"});
  ASSERT_TRUE(o) << o.error().ToString();
  EXPECT_EQ(*o->String("a"), "x");
  EXPECT_EQ(*o->Base64("b"), (Bytes{0, 1, 2}));
  EXPECT_EQ(*o->Hex("h", 2), (Bytes{0, 255}));
  EXPECT_EQ(*o->OptionalStrings("list", 2), (std::vector<std::string>{"p", "q"}));
  EXPECT_EQ(*o->OptionalString("absent"), "");
  EXPECT_TRUE(o->OptionalStrings("absent", 2)->empty());
}

TEST(JsonObject, RefusesWhatTheContractDoesNotAllow) {
  const char* bad_bodies[] = {
      "", "[]", "\"x\"", "{", "{\"a\":1,}", "{\"unknown\":1}", R"({"a":[[[[[[[[[[1]]]]]]]]]]})"};
  for (const char* body : bad_bodies)
    EXPECT_EQ(JsonObject::Parse(body, {"a"}).error().code, Errc::kInvalidArgument) << body;

  auto o = JsonObject::Parse(R"({"n":1,"s":"","b":"A=","h":"0G","l":[1],"m":["a","b","c"]})",
                             {"n", "s", "b", "h", "l", "m"});
  ASSERT_TRUE(o);
  EXPECT_FALSE(o->String("n"));
  EXPECT_FALSE(o->String("s"));
  EXPECT_FALSE(o->String("missing"));
  EXPECT_FALSE(o->Base64("b"));
  EXPECT_FALSE(o->Hex("h", 1));
  EXPECT_FALSE(o->Hex("h", 2));
  EXPECT_FALSE(o->OptionalStrings("l", 4));
  EXPECT_FALSE(o->OptionalStrings("m", 2));
}

}  // namespace
}  // namespace vigil::api
