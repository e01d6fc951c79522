#include "api/static_routes.h"

#include <gtest/gtest.h>

#include <fstream>

#include "http/client.h"
#include "testing/test_paths.h"

namespace vigil::api {
namespace {

void Write(const std::filesystem::path& path, std::string_view text) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

TEST(IsHashedAssetName, NeedsADashAndEightBase64UrlCharactersBeforeTheExtension) {
  EXPECT_TRUE(IsHashedAssetName("index-BxT3_k9a.js"));
  EXPECT_TRUE(IsHashedAssetName("report-a-b_c-d1.css"));
  EXPECT_TRUE(IsHashedAssetName("argon2-0123abcd.wasm"));
  EXPECT_FALSE(IsHashedAssetName("index.js"));
  EXPECT_FALSE(IsHashedAssetName("index-1234567.js"));
  EXPECT_FALSE(IsHashedAssetName("index_12345678.js"));
  EXPECT_FALSE(IsHashedAssetName("index-1234567$.js"));
  EXPECT_FALSE(IsHashedAssetName("-12345678"));
  EXPECT_FALSE(IsHashedAssetName("index-12345678."));
}

TEST(ContentTypeFor, KnowsTheBuildsFileTypes) {
  EXPECT_EQ(ContentTypeFor("a.html"), "text/html; charset=utf-8");
  EXPECT_EQ(ContentTypeFor("a-12345678.js"), "text/javascript; charset=utf-8");
  EXPECT_EQ(ContentTypeFor("a.css"), "text/css; charset=utf-8");
  EXPECT_EQ(ContentTypeFor("a.wasm"), "application/wasm");
  EXPECT_EQ(ContentTypeFor("a.svg"), "image/svg+xml");
  EXPECT_EQ(ContentTypeFor("a.exe"), "application/octet-stream");
}

TEST(AcceptsGzip, HonoursTheCodingAndAZeroWeight) {
  EXPECT_TRUE(AcceptsGzip("gzip, deflate, br"));
  EXPECT_TRUE(AcceptsGzip("br;q=1.0, GZIP;q=0.5"));
  EXPECT_TRUE(AcceptsGzip(" deflate ,gzip"));
  EXPECT_FALSE(AcceptsGzip(""));
  EXPECT_FALSE(AcceptsGzip("identity"));
  EXPECT_FALSE(AcceptsGzip("gzip;q=0"));
  EXPECT_FALSE(AcceptsGzip("gzip; q=0.000"));
  EXPECT_FALSE(AcceptsGzip("x-gzip, gzipx"));
  EXPECT_TRUE(AcceptsGzip("gzip;q=0.01"));
}

class StaticRoutesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = dir_.path() / "dist";
    Write(root_ / "index.html", "<!doctype html><title>landing</title>");
    Write(root_ / "report.html", "<!doctype html><title>report</title>");
    Write(root_ / "staff.html", "<!doctype html><title>staff</title>");
    Write(root_ / "assets" / "main-AbCd_12-.js", "console.log('main')");
    Write(root_ / "assets" / "main-AbCd_12-.js.gz", "pretend-gzip");
    Write(root_ / "assets" / "plain.txt", "not hashed");
    Write(root_ / "assets" / ".hidden-12345678.js", "hidden");
    Write(root_ / "assets" / "sub" / "deep-12345678.js", "deep");
    Write(dir_.path() / "secret.txt", "outside the root");
    std::filesystem::create_symlink(dir_.path() / "secret.txt", root_ / "assets" / "link.txt");
    auto files = StaticFiles::Load(root_);
    ASSERT_TRUE(files.has_value()) << files.error().ToString();
    server_ =
        std::make_unique<http::Server>(http::ServerOptions{}, [](const http::RequestLogEntry&) {});
    AddStaticRoutes(*server_, std::make_shared<const StaticFiles>(std::move(*files)));
    ASSERT_TRUE(server_->Start());
  }
  void TearDown() override { server_->Shutdown(); }

  http::GetResult Get(const std::string& target,
                      std::vector<std::pair<std::string, std::string>> headers = {}) {
    http::ClientRequest r{"GET", "http://127.0.0.1:" + std::to_string(server_->port()) + target, "",
                          std::move(headers)};
    auto result = http::Send(r);
    EXPECT_TRUE(result.has_value());
    return result ? *result : http::GetResult{};
  }

  testing::TempDir dir_;
  std::filesystem::path root_;
  std::unique_ptr<http::Server> server_;
};

TEST_F(StaticRoutesTest, PagesAreHtmlNeverStoredWithTheClientPolicy) {
  auto r = Get("/?lang=ar");
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.body, "<!doctype html><title>landing</title>");
  EXPECT_EQ(r.content_type, "text/html; charset=utf-8");
  EXPECT_EQ(r.Header("Cache-Control"), "no-store");
  EXPECT_EQ(r.Header("Content-Security-Policy"), kWebClientCsp);
  EXPECT_EQ(Get("/report").body, "<!doctype html><title>report</title>");
  auto staff = Get("/staff");
  EXPECT_EQ(staff.body, "<!doctype html><title>staff</title>");
  EXPECT_EQ(staff.Header("Cache-Control"), "no-store");
  EXPECT_EQ(staff.Header("Content-Security-Policy"), kWebClientCsp);
  // A page the build did not produce sends the reporter to the form that needs no script.
  auto missing = Get("/follow-up");
  EXPECT_EQ(missing.status, 303u);
  EXPECT_EQ(missing.Header("Location"), "/nojs/report");
}

TEST_F(StaticRoutesTest, HashedAssetsAreImmutableAndGzippedOnRequest) {
  auto plain = Get("/assets/main-AbCd_12-.js");
  EXPECT_EQ(plain.status, 200u);
  EXPECT_EQ(plain.body, "console.log('main')");
  EXPECT_EQ(plain.content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(plain.Header("Cache-Control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(plain.Header("Vary"), "Accept-Encoding");
  EXPECT_EQ(plain.Header("Content-Encoding"), "");
  EXPECT_EQ(plain.Header("Content-Security-Policy"), kWebClientCsp);
  auto gzip = Get("/assets/main-AbCd_12-.js", {{"Accept-Encoding", "gzip, br"}});
  EXPECT_EQ(gzip.body, "pretend-gzip");
  EXPECT_EQ(gzip.Header("Content-Encoding"), "gzip");
  auto text = Get("/assets/plain.txt", {{"Accept-Encoding", "gzip"}});
  EXPECT_EQ(text.body, "not hashed");
  EXPECT_EQ(text.Header("Cache-Control"), "no-cache");
  EXPECT_EQ(text.Header("Content-Encoding"), "");
}

TEST_F(StaticRoutesTest, NothingOutsideTheListedFilesIsReachable) {
  for (const char* target :
       {"/assets/../secret.txt", "/assets/..%2fsecret.txt", "/assets/%2e%2e%2fsecret.txt",
        "/assets/..%5csecret.txt", "/assets/sub/deep-12345678.js", "/assets/sub%2fdeep-12345678.js",
        "/assets/.hidden-12345678.js", "/assets/link.txt", "/assets/main-AbCd_12-.js.gz",
        "/assets/", "/assets//main-AbCd_12-.js", "/assets/./main-AbCd_12-.js", "/assets/%00",
        "/index.html", "/../secret.txt", "/assets/main-AbCd_12-.js%00.txt"}) {
    auto r = Get(target);
    EXPECT_EQ(r.status, 404u) << target;
    EXPECT_EQ(r.body.find("outside the root"), std::string::npos) << target;
    EXPECT_EQ(r.body.find("deep"), std::string::npos) << target;
  }
}

TEST(StaticFiles, AMissingRootIsAClientNotBuilt) {
  testing::TempDir dir;
  auto files = StaticFiles::Load(dir.path() / "nothing-here");
  ASSERT_TRUE(files.has_value());
  EXPECT_FALSE(files->HasClient());
  EXPECT_EQ(files->Asset("x"), nullptr);
}

}  // namespace
}  // namespace vigil::api
