#include "server/config.h"

#include <gtest/gtest.h>

namespace vigil::server {
namespace {

TEST(Config, ParsesEveryKeyAndResolvesDataDirAgainstTheFile) {
  Config c;
  auto errors =
      ParseConfig("vigil.conf",
                  "# comment\n\nlisten = 0.0.0.0:9000\r\ndata_dir = data\n"
                  "database = postgresql://vigil@localhost/vigil\nlog_origin = example.org/log\n"
                  "threads = 4\nonion = true\nupload_expiry_hours = 48\n"
                  "upload_quota_bytes = 1000000\nweb_root = ../web/dist\n"
                  "database_connections = 32\n",
                  {}, "/etc/vigil", c);
  EXPECT_TRUE(errors.lines.empty()) << errors.lines.front();
  EXPECT_EQ(c.listen_address, "0.0.0.0");
  EXPECT_EQ(c.listen_port, 9000);
  EXPECT_EQ(c.data_dir, "/etc/vigil/data");
  EXPECT_EQ(c.database, "postgresql://vigil@localhost/vigil");
  EXPECT_EQ(c.threads, 4u);
  EXPECT_TRUE(c.onion);
  EXPECT_EQ(c.upload_expiry, std::chrono::hours(48));
  EXPECT_EQ(c.upload_quota_bytes, 1000000u);
  EXPECT_EQ(c.web_root, "/etc/web/dist");
  EXPECT_EQ(c.database_connections, 32u);
}

TEST(Config, ReportsEveryProblemWithItsLine) {
  Config c;
  auto errors =
      ParseConfig("vigil.conf", "listen = nowhere\nthreads = many\ncolour = blue\njust words\n",
                  {"onion=maybe", "database_connections=0"}, "/x", c);
  ASSERT_EQ(errors.lines.size(), 8u);
  EXPECT_EQ(errors.lines[0], "vigil.conf:1: listen: expected host:port");
  EXPECT_EQ(errors.lines[1], "vigil.conf:2: threads: expected 0..256");
  EXPECT_EQ(errors.lines[2], "vigil.conf:3: unknown key 'colour'");
  EXPECT_EQ(errors.lines[3], "vigil.conf:4: expected key = value");
  EXPECT_EQ(errors.lines[4], "override 'onion=maybe': onion: expected true or false");
  EXPECT_EQ(errors.lines[5],
            "override 'database_connections=0': database_connections: expected 1..256");
  EXPECT_EQ(errors.lines[6], "vigil.conf: data_dir is required");
  EXPECT_EQ(errors.lines[7], "vigil.conf: log_origin is required");
}

TEST(Config, OverridesWinAndFormatRoundTrips) {
  Config c;
  c.data_dir = "/srv/vigil";
  c.log_origin = "example.org/log";
  std::string text = FormatConfig(c);
  Config back;
  auto errors = ParseConfig("f", text, {"listen=[::1]:1234"}, "/", back);
  ASSERT_TRUE(errors.lines.empty()) << errors.lines.front();
  EXPECT_EQ(back.data_dir, c.data_dir);
  EXPECT_EQ(back.log_origin, c.log_origin);
  EXPECT_EQ(back.listen_address, "::1");
  EXPECT_EQ(back.listen_port, 1234);
  EXPECT_EQ(back.max_upload_bytes, c.max_upload_bytes);
  EXPECT_EQ(back.upload_quota_bytes, c.upload_quota_bytes);
  EXPECT_EQ(back.database_connections, c.database_connections);
  EXPECT_TRUE(back.web_root.empty());
  c.web_root = "/srv/web";
  ASSERT_TRUE(ParseConfig("f", FormatConfig(c), {}, "/", back).lines.empty());
  EXPECT_EQ(back.web_root, "/srv/web");
}

TEST(Config, InstanceSettingsStartFromTheFile) {
  Config c;
  auto errors = ParseConfig("vigil.conf",
                            "data_dir = d\nlog_origin = o\norganisation_name = Réseau Témoins\n"
                            "reporter_contact = Signal +31 6 1234\\nwitness@example.org\n"
                            "statistics_min_cell = 10\n",
                            {}, "/x", c);
  ASSERT_TRUE(errors.lines.empty()) << errors.lines.front();
  EXPECT_EQ(c.organisation_name, "Réseau Témoins");
  EXPECT_EQ(c.reporter_contact, "Signal +31 6 1234\nwitness@example.org");
  EXPECT_EQ(c.statistics_min_cell, 10);
  Config back;
  ASSERT_TRUE(ParseConfig("f", FormatConfig(c), {}, "/", back).lines.empty());
  EXPECT_EQ(back.reporter_contact, c.reporter_contact);
  EXPECT_EQ(back.organisation_name, c.organisation_name);
  EXPECT_EQ(back.statistics_min_cell, 10);
  auto bad = ParseConfig("f", "data_dir = d\nlog_origin = o\nstatistics_min_cell = 1\n",
                         {"organisation_name=a\u202eb"}, "/", c);
  ASSERT_EQ(bad.lines.size(), 2u);
  EXPECT_EQ(bad.lines[0], "f:3: statistics_min_cell: expected 2..100");
  EXPECT_EQ(bad.lines[1],
            "override 'organisation_name=a\u202eb': organisation_name: "
            "expected no control characters");
}

}  // namespace
}  // namespace vigil::server
