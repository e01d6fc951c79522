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

TEST(JsonObject, ReadsIntegersAndArraysOfObjects) {
  auto o = JsonObject::Parse(R"({"k":2,"f":1.5,"w":[{"a":"x"},{"a":"y"}],"bad":[{"z":1}],"e":[]})",
                             {"k", "f", "w", "bad", "e"});
  ASSERT_TRUE(o);
  EXPECT_EQ(*o->Integer("k", 1, 3), 2);
  EXPECT_FALSE(o->Integer("k", 3, 5));
  EXPECT_FALSE(o->Integer("f", 0, 5));
  EXPECT_FALSE(o->Integer("missing", 0, 5));
  auto w = o->Objects("w", 2, {"a"});
  ASSERT_TRUE(w);
  EXPECT_EQ(*(*w)[1].String("a"), "y");
  EXPECT_FALSE(o->Objects("w", 1, {"a"}));
  EXPECT_EQ(o->Objects("bad", 4, {"a"}).error().code, Errc::kInvalidArgument);
  EXPECT_FALSE(o->Objects("e", 4, {"a"}));
  EXPECT_FALSE(o->Objects("k", 4, {"a"}));
}

}  // namespace
}  // namespace vigil::api
