#include "http/request_parts.h"

#include <gtest/gtest.h>

namespace vigil::http {
namespace {

TEST(QueryParam, FindsOneParameter) {
  EXPECT_EQ(QueryParam("lang=ar", "lang"), "ar");
  EXPECT_EQ(QueryParam("a=1&lang=fr&b=2", "lang"), "fr");
  EXPECT_EQ(QueryParam("language=fr", "lang"), "");
  EXPECT_EQ(QueryParam("lang", "lang"), "");
  EXPECT_EQ(QueryParam("", "lang"), "");
  EXPECT_EQ(QueryParam("lang=", "lang"), "");
}

TEST(CookieValue, FindsOneCookie) {
  EXPECT_EQ(CookieValue("vigil_session=abc", "vigil_session"), "abc");
  EXPECT_EQ(CookieValue("a=1;  vigil_session=abc; b=2", "vigil_session"), "abc");
  EXPECT_EQ(CookieValue("xvigil_session=abc", "vigil_session"), "");
  EXPECT_EQ(CookieValue(";;;", "vigil_session"), "");
}

}  // namespace
}  // namespace vigil::http
