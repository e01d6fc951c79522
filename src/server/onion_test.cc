#include "server/onion.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "testing/test_paths.h"

namespace vigil::server {
namespace {

namespace fs = std::filesystem;

const std::string kAddress = "4teyodse5hv3lli7klyzxiquqpepr3rtuocjcitu3hk4ouim3o4nhjad.onion";

std::string Read(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(ParseOnionHostname, AcceptsAV3AddressOnly) {
  auto parsed = ParseOnionHostname(kAddress + "\n");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(*parsed, kAddress);
  EXPECT_TRUE(ParseOnionHostname(kAddress));
  const std::string bad[] = {
      "",
      kAddress + "\n\n",
      kAddress.substr(1),
      "x" + kAddress,
      "4TEYODSE5HV3LLI7KLYZXIQUQPEPR3RTUOCJCITU3HK4OUIM3O4NHJAD.onion",  // upper case
      "4teyodse5hv3lli7klyzxiquqpepr3rtuocjcitu3hk4ouim3o4nhjaa.onion",  // not version 3
      "4teyodse5hv3lli7klyzxiquqpepr3rtuocjcitu3hk4ouim3o4nhj0d.onion",  // 0 is not base32
      "4teyodse5hv3lli7klyzxiquqpepr3rtuocjcitu3hk4ouim3o4nhjad.onion.",
      "expyuzz4wqqyqhjn.onion",  // v2
  };
  for (const std::string& text : bad) EXPECT_FALSE(ParseOnionHostname(text)) << text;
}

TEST(FormatTorrc, ForwardsPort80ToVigildAndQuotesPaths) {
  auto torrc = FormatTorrc("/srv/my \"vigil\"/tor", "127.0.0.1", 8080, 1234);
  ASSERT_TRUE(torrc);
  EXPECT_NE(torrc->find("DataDirectory \"/srv/my \\\"vigil\\\"/tor/data\"\n"), std::string::npos);
  EXPECT_NE(torrc->find("HiddenServiceDir \"/srv/my \\\"vigil\\\"/tor/onion_service\"\n"),
            std::string::npos);
  EXPECT_NE(torrc->find("\nHiddenServicePort 80 127.0.0.1:8080\n"), std::string::npos);
  EXPECT_NE(torrc->find("\nSocksPort 0\n"), std::string::npos);
  EXPECT_NE(torrc->find("\nControlPort 0\n"), std::string::npos);
  EXPECT_NE(torrc->find("\n__OwningControllerProcess 1234\n"), std::string::npos);
}

TEST(FormatTorrc, ReachesWildcardAddressesOnLoopback) {
  EXPECT_NE(FormatTorrc("/t", "0.0.0.0", 80, 1)->find("HiddenServicePort 80 127.0.0.1:80\n"),
            std::string::npos);
  EXPECT_NE(FormatTorrc("/t", "::", 80, 1)->find("HiddenServicePort 80 [::1]:80\n"),
            std::string::npos);
  EXPECT_NE(FormatTorrc("/t", "::1", 80, 1)->find("HiddenServicePort 80 [::1]:80\n"),
            std::string::npos);
  EXPECT_FALSE(FormatTorrc("/t\n/x", "::1", 80, 1));
}

TEST(CreateOnionDirectory, IsForTheServiceUserAlone) {
  vigil::testing::TempDir dir;
  ASSERT_TRUE(CreateOnionDirectory(dir.path()));
  struct stat st {};
  ASSERT_EQ(::stat((dir.path() / "tor").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  ::chmod((dir.path() / "tor").c_str(), 0755);
  ASSERT_TRUE(CreateOnionDirectory(dir.path()));
  ASSERT_EQ(::stat((dir.path() / "tor").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
}

TEST(OnionService, WithoutTorFailsAtOnce) {
  vigil::testing::TempDir dir;
  OnionOptions options;
  options.tor_binary = dir.path() / "no-tor";
  options.data_dir = dir.path();
  options.host = "127.0.0.1";
  options.port = 8080;
  auto service = OnionService::Start(options);
  ASSERT_FALSE(service);
  EXPECT_EQ(service.error().code, Errc::kNotFound);
  EXPECT_NE(service.error().detail.find("tor is not installed"), std::string::npos);
}

class RealTor : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::access(kTorBinary, X_OK) != 0) GTEST_SKIP() << "no tor at " << kTorBinary;
    options_.data_dir = dir_.path();
    options_.host = "127.0.0.1";
    options_.port = 8080;
  }
  vigil::testing::TempDir dir_;
  OnionOptions options_;
};

// No network here: tor cannot publish the service, but it makes the keys and the hostname at
// start-up all the same.
TEST_F(RealTor, StartsWritesAV3HostnameKeepsItAndStops) {
  pid_t pid = 0;
  std::string hostname;
  {
    auto service = OnionService::Start(options_);
    ASSERT_TRUE(service) << service.error().ToString();
    hostname = (*service)->hostname();
    pid = (*service)->pid();
    EXPECT_TRUE(ParseOnionHostname(hostname));
    EXPECT_EQ(::kill(pid, 0), 0);
    fs::path tor = dir_.path() / "tor";
    EXPECT_EQ(Read(tor / "onion_service" / "hostname"), hostname + "\n");
    EXPECT_TRUE(fs::exists(tor / "onion_service" / "hs_ed25519_secret_key"));
    EXPECT_NE(Read(tor / "torrc").find("HiddenServicePort 80 127.0.0.1:8080\n"), std::string::npos);
    EXPECT_NE(Read(tor / "tor.log").find("[notice]"), std::string::npos);
  }
  // Stopped and reaped: the process id is gone.
  EXPECT_NE(::kill(pid, 0), 0);
  // The key stays, and with it the address.
  auto again = OnionService::Start(options_);
  ASSERT_TRUE(again) << again.error().ToString();
  EXPECT_EQ((*again)->hostname(), hostname);
}

TEST_F(RealTor, ATorThatCannotStartIsReportedWithItsReason) {
  // The service directory's place is taken by a file: tor refuses to start.
  ASSERT_TRUE(CreateOnionDirectory(dir_.path()));
  std::ofstream(dir_.path() / "tor" / "onion_service") << "not a directory";
  auto service = OnionService::Start(options_);
  ASSERT_FALSE(service);
  EXPECT_EQ(service.error().code, Errc::kUnavailable);
  EXPECT_NE(service.error().detail.find("tor stopped at start-up"), std::string::npos)
      << service.error().detail;
  EXPECT_NE(service.error().detail.find("tor.log"), std::string::npos);
}

}  // namespace
}  // namespace vigil::server
