#include "http/router.h"

#include <gtest/gtest.h>

namespace vigil::http {
namespace {

TEST(RouteTable, MatchesLiteralsCapturesAndMethods) {
  RouteTable table;
  std::size_t list = table.Add(Verb::get, "/v1/reports");
  std::size_t get = table.Add(Verb::get, "/v1/reports/{id}");
  std::size_t reply = table.Add(Verb::post, "/v1/reports/{id}/replies");
  table.Add(Verb::get, "/");

  auto m = table.Match(Verb::get, "/v1/reports");
  ASSERT_TRUE(std::holds_alternative<RouteMatch>(m));
  EXPECT_EQ(std::get<RouteMatch>(m).route, list);

  m = table.Match(Verb::get, "/v1/reports/abc123");
  ASSERT_TRUE(std::holds_alternative<RouteMatch>(m));
  EXPECT_EQ(std::get<RouteMatch>(m).route, get);
  EXPECT_EQ(std::get<RouteMatch>(m).params, (PathParams{{"id", "abc123"}}));

  m = table.Match(Verb::post, "/v1/reports/x/replies");
  ASSERT_TRUE(std::holds_alternative<RouteMatch>(m));
  EXPECT_EQ(std::get<RouteMatch>(m).route, reply);

  EXPECT_EQ(std::get<RouteMiss>(table.Match(Verb::delete_, "/v1/reports/x")),
            RouteMiss::kMethodNotAllowed);
  EXPECT_EQ(std::get<RouteMiss>(table.Match(Verb::get, "/v1/nothing")), RouteMiss::kNotFound);
  EXPECT_TRUE(std::holds_alternative<RouteMatch>(table.Match(Verb::head, "/v1/reports")));
  EXPECT_TRUE(std::holds_alternative<RouteMatch>(table.Match(Verb::get, "/")));
  EXPECT_EQ(table.AllowedMethods("/v1/reports/x").size(), 1u);
}

TEST(RouteTable, RestCaptureTakesTheRemainingSegments) {
  RouteTable table;
  table.Add(Verb::get, "/tile/{path...}");
  auto m = table.Match(Verb::get, "/tile/0/x001/x234/067.p/5");
  ASSERT_TRUE(std::holds_alternative<RouteMatch>(m));
  EXPECT_EQ(std::get<RouteMatch>(m).params, (PathParams{{"path", "0/x001/x234/067.p/5"}}));
  EXPECT_TRUE(std::holds_alternative<RouteMiss>(table.Match(Verb::get, "/tile")));
  EXPECT_TRUE(std::holds_alternative<RouteMiss>(table.Match(Verb::get, "/tile/0/../etc")));
}

TEST(RouteTable, RejectsPathTricks) {
  RouteTable table;
  table.Add(Verb::get, "/v1/blobs/{id}");
  const char* bad[] = {"/v1/blobs/..", "/v1/blobs/.", "/v1/blobs//",
                       "/v1//blobs/x", "v1/blobs/x",  "",
                       "/v1/blobs/x/", "/v1/blobs"};
  for (const char* p : bad) {
    EXPECT_TRUE(std::holds_alternative<RouteMiss>(table.Match(Verb::get, p))) << p;
  }
}

}  // namespace
}  // namespace vigil::http
