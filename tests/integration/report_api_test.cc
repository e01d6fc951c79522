// The reports API end to end against a real vigild, on SQLite and on the harness's PostgreSQL:
// a reporter's report encrypted by the test client, found again by lookup id, read back and
// decrypted, followed up, its receipt checked offline; hostile inputs refused with stable codes
// and nothing stored; everything acknowledged still there after SIGKILL and restart.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>

#include "base/base64.h"
#include "base/hex.h"
#include "crypto/age/age.h"
#include "crypto/age/x25519_recipient.h"
#include "testing/seeded_random.h"
#include "testing/temp_postgres.h"
#include "translog/receipt.h"
#include "translog/signed_note.h"
#include "vigild_process.h"

namespace vigil {
namespace {

namespace json = boost::json;
using testing::DatabaseFor;
using testing::ErrorCode;
using testing::VigildProcess;

class ReportApiTest : public ::testing::TestWithParam<std::string> {
 protected:
  ReportApiTest()
      : server_(DatabaseFor(GetParam(), "report_api_" + std::to_string(counter_++))),
        organisation_(age::X25519Identity::Generate(random_)),
        reporter_(age::X25519Identity::Generate(random_)) {}

  Bytes Encrypt(std::string_view text) {
    auto org = organisation_.ToRecipient();
    auto me = reporter_.ToRecipient();
    const age::Recipient* r[] = {&org, &me};
    return *age::EncryptBytes(ToBytes(text), r, random_);
  }
  std::string ReportBody(const std::string& lookup_hex, std::string_view text) {
    return json::serialize(json::object{{"lookup_id", lookup_hex},
                                        {"reporter_recipient", reporter_.ToRecipient().ToString()},
                                        {"ciphertext", Base64Encode(Encrypt(text))}});
  }
  std::string Decrypt(const std::string& body, const age::Identity& identity) {
    const age::Identity* ids[] = {&identity};
    auto plain = age::DecryptBytes(ToBytes(body), ids);
    return plain ? std::string(plain->begin(), plain->end()) : "(does not decrypt)";
  }

  static inline int counter_ = 0;
  testing::SeededRandom random_{99};
  VigildProcess server_;
  age::X25519Identity organisation_;
  age::X25519Identity reporter_;
};

TEST_P(ReportApiTest, ReporterRoundTripWithReceipt) {
  std::string lookup = HexEncode(Bytes(32, 0x42));
  auto created = server_.Send("POST", "/v1/reports", ReportBody(lookup, "we were threatened"));
  ASSERT_EQ(created.status, 201u) << created.body;
  auto ack = json::parse(created.body).as_object();
  std::string report_id(ack.at("report_id").as_string());
  std::string message_id(ack.at("message_id").as_string());
  EXPECT_EQ(ack.at("log_index").as_int64(), 1);  // entry 0: the first administrator's invitation

  auto found = server_.Send("POST", "/v1/lookups", R"({"lookup_id":")" + lookup + R"("})");
  ASSERT_EQ(found.status, 200u) << found.body;
  auto view = json::parse(found.body).as_object();
  EXPECT_EQ(view.at("report_id").as_string(), report_id);
  EXPECT_FALSE(view.contains("reporter_recipient"));
  ASSERT_EQ(view.at("messages").as_array().size(), 1u);

  std::vector<std::pair<std::string, std::string>> as_reporter = {{"Vigil-Lookup-Id", lookup}};
  auto content =
      server_.Send("GET", "/v1/reports/" + report_id + "/messages/" + message_id, "", as_reporter);
  ASSERT_EQ(content.status, 200u);
  EXPECT_EQ(content.Header("Cache-Control"), "no-store");
  EXPECT_EQ(Decrypt(content.body, reporter_), "we were threatened");
  EXPECT_EQ(Decrypt(content.body, organisation_), "we were threatened");

  auto follow = server_.Send(
      "POST", "/v1/reports/" + report_id + "/messages",
      json::serialize(json::object{{"ciphertext", Base64Encode(Encrypt("and again today"))}}),
      as_reporter);
  ASSERT_EQ(follow.status, 201u) << follow.body;

  // The receipt: poll until the next checkpoint covers the entry, then check it offline.
  http::GetResult receipt;
  for (int i = 0; i < 100; ++i) {
    receipt =
        server_.Send("GET", "/v1/reports/" + report_id + "/messages/" + message_id + "/receipt", "",
                     as_reporter);
    if (receipt.status != 409) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_EQ(receipt.status, 200u) << receipt.body;
  auto parsed = translog::ParseReceipt(receipt.body);
  ASSERT_TRUE(parsed);
  auto key = translog::ParseVerifierKey(server_.verifier_key());
  ASSERT_TRUE(key);
  EXPECT_TRUE(translog::VerifyReceipt(*parsed, *key));
  EXPECT_EQ(parsed->index, 1u);
}

TEST_P(ReportApiTest, HostileInputsGetStableCodesAndStoreNothing) {
  std::string lookup = HexEncode(Bytes(32, 7));
  std::string not_age =
      json::serialize(json::object{{"lookup_id", lookup},
                                   {"reporter_recipient", reporter_.ToRecipient().ToString()},
                                   {"ciphertext", Base64Encode(ToBytes("PLAINTEXT-CANARY-1"))}});
  struct Case {
    std::string body;
    unsigned status;
    std::string code;
  } cases[] = {
      {not_age, 400, "invalid_ciphertext"},
      {"{not json", 400, "invalid_request"},
      {"[]", 400, "invalid_request"},
      {R"({"lookup_id":")" + lookup + R"(","extra":1})", 400, "invalid_request"},
      {R"({"lookup_id":"zz","reporter_recipient":"age1x","ciphertext":"AAAA"})", 400,
       "invalid_request"},
      {R"({"lookup_id":")" + lookup + R"(","reporter_recipient":")" +
           reporter_.ToRecipient().ToString() + R"(","ciphertext":"not base64!"})",
       400, "invalid_request"},
  };
  for (const auto& c : cases) {
    auto r = server_.Send("POST", "/v1/reports", c.body);
    EXPECT_EQ(r.status, c.status) << c.body;
    EXPECT_EQ(ErrorCode(r), c.code) << c.body;
  }
  auto wrong_type = server_.Send("POST", "/v1/reports", std::string(2 << 20, 'x'));
  EXPECT_EQ(wrong_type.status, 413u);
  EXPECT_EQ(server_.Send("GET", "/healthz").body.find("\"log_size\":1") != std::string::npos, true);

  ASSERT_EQ(server_.Send("POST", "/v1/reports", ReportBody(lookup, "first")).status, 201u);
  auto again = server_.Send("POST", "/v1/reports", ReportBody(lookup, "second"));
  EXPECT_EQ(again.status, 409u);
  EXPECT_EQ(ErrorCode(again), "lookup_taken");

  // Another reporter's lookup id, a malformed one, staff routes without a session, path tricks.
  auto view =
      json::parse(server_.Send("POST", "/v1/lookups", R"({"lookup_id":")" + lookup + R"("})").body);
  std::string report_id(view.at("report_id").as_string());
  std::string other = HexEncode(Bytes(32, 8));
  EXPECT_EQ(
      server_.Send("GET", "/v1/reports/" + report_id, "", {{"Vigil-Lookup-Id", other}}).status,
      404u);
  EXPECT_EQ(server_.Send("GET", "/v1/reports/" + report_id, "", {{"Vigil-Lookup-Id", "zz"}}).status,
            404u);
  EXPECT_EQ(server_.Send("GET", "/v1/reports").status, 401u);
  EXPECT_EQ(server_.Send("GET", "/v1/reports/" + report_id).status, 401u);
  EXPECT_EQ(server_.Send("GET", "/v1/reports/../../etc/passwd").status, 404u);
  EXPECT_EQ(ErrorCode(server_.Send("GET", "/v1/reports/" + report_id + "/messages/..%2f..", "",
                                   {{"Vigil-Lookup-Id", lookup}})),
            "invalid_request");
  EXPECT_EQ(ErrorCode(server_.Send("POST", "/v1/lookups", R"({"lookup_id":")" + other + R"("})")),
            "not_found");
}

TEST_P(ReportApiTest, AcknowledgedReportsSurviveSigkill) {
  std::vector<std::string> lookups;
  for (int i = 0; i < 20; ++i) {
    lookups.push_back(HexEncode(Bytes(32, static_cast<std::uint8_t>(i + 1))));
    ASSERT_EQ(server_.Send("POST", "/v1/reports", ReportBody(lookups.back(), "r")).status, 201u);
  }
  server_.Kill();
  server_.Start();
  for (const auto& lookup : lookups)
    EXPECT_EQ(server_.Send("POST", "/v1/lookups", R"({"lookup_id":")" + lookup + R"("})").status,
              200u);
  EXPECT_EQ(server_.Stop(), 0);
}

// Plaintext canary (JSON path): the text a reporter typed, and a plaintext body the server
// refused, appear in no file of the data directory (database, WAL, blobs, log, temporaries).
TEST_P(ReportApiTest, PlaintextCanariesAppearNowhereInTheDataDirectory) {
  const std::string typed = "CANARY-typed-7f3a9c21-by-the-reporter";
  const std::string refused = "CANARY-refused-0b6d44e8-sent-in-the-clear";
  ASSERT_EQ(
      server_
          .Send("POST", "/v1/reports", ReportBody(HexEncode(Bytes(32, 0x51)), "report: " + typed))
          .status,
      201u);
  std::string clear =
      json::serialize(json::object{{"lookup_id", HexEncode(Bytes(32, 0x52))},
                                   {"reporter_recipient", reporter_.ToRecipient().ToString()},
                                   {"ciphertext", Base64Encode(ToBytes(refused))}});
  ASSERT_EQ(server_.Send("POST", "/v1/reports", clear).status, 400u);
  ASSERT_EQ(server_.Stop(), 0);  // flushes everything the server would write
  std::size_t files = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(server_.data_dir())) {
    if (!entry.is_regular_file()) continue;
    ++files;
    std::ifstream in(entry.path(), std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(bytes.find(typed), std::string::npos) << entry.path();
    EXPECT_EQ(bytes.find(refused), std::string::npos) << entry.path();
  }
  EXPECT_GT(files, 5u);
  EXPECT_EQ(server_.server_log().find("CANARY"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Engines, ReportApiTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& p) { return std::string(p.param); });

}  // namespace
}  // namespace vigil
