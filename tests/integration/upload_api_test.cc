// tus uploads end to end against a real vigild, on SQLite and on the harness's PostgreSQL: an
// evidence file whose upload is cut off mid-request resumes from the durable offset, becomes a
// report's attachment and downloads back identical; the offset survives SIGKILL; hostile inputs
// get their stable codes; tus metadata and refused plaintext are stored nowhere.
#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
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
#include "crypto/sha256.h"
#include "testing/seeded_random.h"
#include "testing/temp_postgres.h"
#include "vigild_process.h"

namespace vigil {
namespace {

namespace json = boost::json;
namespace asio = boost::asio;
using testing::VigildProcess;
using Headers = std::vector<std::pair<std::string, std::string>>;

std::string DatabaseFor(const std::string& engine, const std::string& name) {
  if (engine == "sqlite") return "sqlite";
  std::map<std::string, std::string> kv;
  std::istringstream in(testing::TempPostgres::Get().Database(name));
  std::string word;
  while (in >> word)
    if (auto eq = word.find('='); eq != std::string::npos)
      kv[word.substr(0, eq)] = word.substr(eq + 1);
  return "postgresql://" + kv["user"] + "@/" + kv["dbname"] + "?host=" + kv["host"] +
         "&port=" + kv["port"];
}

std::string ErrorCode(const http::GetResult& r) {
  boost::system::error_code ec;
  auto v = json::parse(r.body, ec);
  if (ec || !v.is_object() || !v.as_object().contains("error")) return "(no error document)";
  return std::string(v.at("error").at("code").as_string());
}

std::string Base64Sha256(ByteSpan data) {
  crypto::Sha256Digest d = crypto::Sha256(data);
  return Base64Encode(d);
}

const Headers kTus = {{"Tus-Resumable", "1.0.0"}};

Headers With(Headers base, const Headers& more) {
  base.insert(base.end(), more.begin(), more.end());
  return base;
}

class UploadApiTest : public ::testing::TestWithParam<std::string> {
 protected:
  UploadApiTest()
      : server_(DatabaseFor(GetParam(), "upload_api_" + std::to_string(counter_++))),
        organisation_(age::X25519Identity::Generate(random_)),
        reporter_(age::X25519Identity::Generate(random_)) {}

  Bytes Encrypt(ByteSpan plain) {
    auto org = organisation_.ToRecipient();
    auto me = reporter_.ToRecipient();
    const age::Recipient* r[] = {&org, &me};
    return *age::EncryptBytes(plain, r, random_);
  }
  Bytes Evidence(std::size_t size) {
    Bytes plain(size);
    random_.Fill(plain);
    plain_ = plain;
    return Encrypt(plain);
  }

  // POST /v1/uploads; the upload's path.
  std::string Create(std::uint64_t length, Headers extra = {}) {
    auto r = server_.Send("POST", "/v1/uploads", "",
                          With(With(kTus, {{"Upload-Length", std::to_string(length)}}), extra));
    EXPECT_EQ(r.status, 201u) << r.body;
    EXPECT_EQ(r.Header("Tus-Resumable"), "1.0.0");
    EXPECT_FALSE(r.Header("Upload-Expires").empty());
    return r.Header("Location");
  }
  http::GetResult Patch(const std::string& path, std::uint64_t offset, ByteSpan data,
                        Headers extra = {}) {
    return server_.Send("PATCH", path, ToString(data),
                        With(With(kTus, {{"Content-Type", "application/offset+octet-stream"},
                                         {"Upload-Offset", std::to_string(offset)}}),
                             extra));
  }
  http::GetResult Head(const std::string& path) { return server_.Send("HEAD", path, "", kTus); }
  std::int64_t OffsetOf(const std::string& path) {
    auto r = Head(path);
    if (r.status != 200) return -1;
    return std::stoll(r.Header("Upload-Offset"));
  }

  // Sends a PATCH announcing all of `data` but only its first `sent` bytes, then closes the
  // connection, as a dropped Tor circuit would.
  void PatchAndHangUp(const std::string& path, std::uint64_t offset, ByteSpan data,
                      std::size_t sent) {
    asio::io_context ioc;
    asio::ip::tcp::socket socket(ioc);
    socket.connect(
        {asio::ip::make_address("127.0.0.1"), static_cast<std::uint16_t>(server_.port())});
    std::string head = "PATCH " + path +
                       " HTTP/1.1\r\nHost: 127.0.0.1\r\nTus-Resumable: 1.0.0\r\n"
                       "Content-Type: application/offset+octet-stream\r\nUpload-Offset: " +
                       std::to_string(offset) +
                       "\r\nContent-Length: " + std::to_string(data.size()) + "\r\n\r\n";
    asio::write(socket, asio::buffer(head));
    asio::write(socket, asio::buffer(data.data(), sent));
    boost::system::error_code ignored;
    socket.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    socket.close(ignored);
  }

  std::string ReportBody(const std::string& lookup_hex, const std::vector<std::string>& uploads) {
    json::array ids;
    for (const auto& u : uploads) ids.emplace_back(u);
    return json::serialize(json::object{{"lookup_id", lookup_hex},
                                        {"reporter_recipient", reporter_.ToRecipient().ToString()},
                                        {"ciphertext", Base64Encode(Encrypt(AsBytes("see file")))},
                                        {"attachments", std::move(ids)}});
  }

  static inline int counter_ = 0;
  testing::SeededRandom random_{2024};
  VigildProcess server_;
  age::X25519Identity organisation_;
  age::X25519Identity reporter_;
  Bytes plain_;
};

TEST_P(UploadApiTest, InterruptedUploadResumesAndBecomesADownloadableAttachment) {
  auto options = server_.Send("OPTIONS", "/v1/uploads");
  EXPECT_EQ(options.status, 204u);
  EXPECT_EQ(options.Header("Tus-Version"), "1.0.0");
  EXPECT_EQ(options.Header("Tus-Extension"), "creation,termination,expiration,checksum");
  EXPECT_EQ(options.Header("Tus-Checksum-Algorithm"), "sha256");
  EXPECT_EQ(options.Header("Tus-Max-Size"), std::to_string(2ull << 30));
  EXPECT_EQ(options.Header("Tus-Resumable"), "1.0.0");

  Bytes file = Evidence(3 << 20);
  std::string path = Create(file.size(), {{"Upload-Metadata", "filename ZXZpZGVuY2UuanBn"}});
  ASSERT_EQ(path.substr(0, 12), "/v1/uploads/");
  EXPECT_EQ(OffsetOf(path), 0);

  // Half the bytes, then the connection drops. The server keeps what arrived, once durable.
  const std::size_t half = file.size() / 2;
  PatchAndHangUp(path, 0, file, half);
  std::int64_t offset = 0;
  for (int i = 0; i < 200 && offset != static_cast<std::int64_t>(half); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
    offset = OffsetOf(path);
  }
  ASSERT_EQ(offset, static_cast<std::int64_t>(half)) << server_.server_log();

  // Resume with the rest, under a checksum; the upload may still be held for a moment (423).
  ByteSpan rest = ByteSpan(file).subspan(half);
  http::GetResult resumed;
  for (int i = 0; i < 100; ++i) {
    resumed = Patch(path, half, rest, {{"Upload-Checksum", "sha256 " + Base64Sha256(rest)}});
    if (resumed.status != 423) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  ASSERT_EQ(resumed.status, 204u) << resumed.body;
  EXPECT_EQ(resumed.Header("Upload-Offset"), std::to_string(file.size()));
  EXPECT_EQ(resumed.Header("Tus-Resumable"), "1.0.0");
  auto head = Head(path);
  EXPECT_EQ(head.status, 200u);
  EXPECT_EQ(head.Header("Upload-Length"), std::to_string(file.size()));
  EXPECT_EQ(head.Header("Cache-Control"), "no-store");

  const std::string upload_id = path.substr(12);
  std::string lookup = HexEncode(Bytes(32, 0x61));
  // Refused reports leave the upload where it was, for the client's next try.
  std::string plaintext_report = ReportBody(lookup, {upload_id});
  json::object bad = json::parse(plaintext_report).as_object();
  bad["ciphertext"] = Base64Encode(AsBytes("a plaintext report"));
  EXPECT_EQ(ErrorCode(server_.Send("POST", "/v1/reports", json::serialize(bad))),
            "invalid_ciphertext");
  EXPECT_EQ(
      ErrorCode(server_.Send("POST", "/v1/reports", ReportBody(lookup, {upload_id, upload_id}))),
      "invalid_request");
  // An upload that does not exist (or has expired) beside it: 404, and this one is not used up.
  EXPECT_EQ(ErrorCode(server_.Send("POST", "/v1/reports",
                                   ReportBody(lookup, {upload_id, std::string(32, 'e')}))),
            "not_found");
  EXPECT_EQ(Head(path).status, 200u);
  auto created = server_.Send("POST", "/v1/reports", ReportBody(lookup, {upload_id}));
  ASSERT_EQ(created.status, 201u) << created.body;
  auto ack = json::parse(created.body).as_object();
  std::string report_id(ack.at("report_id").as_string());
  ASSERT_EQ(ack.at("attachments").as_array().size(), 1u);
  std::string attachment_id(ack.at("attachments").as_array()[0].at("id").as_string());
  EXPECT_NE(attachment_id, upload_id);

  // One claim per upload: the upload is gone, and a second report cannot take it.
  EXPECT_EQ(Head(path).status, 404u);
  auto twice =
      server_.Send("POST", "/v1/reports", ReportBody(HexEncode(Bytes(32, 0x62)), {upload_id}));
  EXPECT_EQ(twice.status, 404u);
  EXPECT_EQ(ErrorCode(twice), "not_found");

  auto download = server_.Send("GET", "/v1/reports/" + report_id + "/attachments/" + attachment_id,
                               "", {{"Vigil-Lookup-Id", lookup}});
  ASSERT_EQ(download.status, 200u);
  EXPECT_EQ(download.body.size(), file.size());
  EXPECT_TRUE(download.body == ToString(file));
  const age::Identity* ids[] = {&reporter_};
  auto opened = age::DecryptBytes(ToBytes(download.body), ids);
  ASSERT_TRUE(opened);
  EXPECT_TRUE(*opened == plain_);

  auto view = server_.Send("GET", "/v1/reports/" + report_id, "", {{"Vigil-Lookup-Id", lookup}});
  ASSERT_EQ(view.status, 200u);
  auto attachments = json::parse(view.body).at("messages").as_array()[0].at("attachments");
  EXPECT_EQ(attachments.as_array()[0].at("size").as_int64(),
            static_cast<std::int64_t>(file.size()));
  // Nothing is left under uploads/.
  EXPECT_TRUE(std::filesystem::is_empty(server_.data_dir() / "uploads"));
}

TEST_P(UploadApiTest, TheDurableOffsetSurvivesSigkill) {
  Bytes file = Evidence(200000);
  std::string path = Create(file.size());
  ASSERT_EQ(Patch(path, 0, ByteSpan(file).first(100000)).status, 204u);
  server_.Kill();
  server_.Start();
  EXPECT_EQ(OffsetOf(path), 100000);
  auto done = Patch(path, 100000, ByteSpan(file).subspan(100000));
  ASSERT_EQ(done.status, 204u) << done.body;
  ASSERT_EQ(
      server_.Send("POST", "/v1/reports", ReportBody(HexEncode(Bytes(32, 0x71)), {path.substr(12)}))
          .status,
      201u);
  EXPECT_EQ(server_.Stop(), 0);
}

TEST_P(UploadApiTest, HostileInputsGetStableCodes) {
  struct Expect {
    unsigned status;
    std::string code;
  };
  auto check = [](const http::GetResult& r, const Expect& e, const std::string& what) {
    EXPECT_EQ(r.status, e.status) << what << ": " << r.body;
    if (!e.code.empty()) {
      EXPECT_EQ(ErrorCode(r), e.code) << what;
    }
    EXPECT_EQ(r.Header("Tus-Resumable"), "1.0.0") << what;
  };

  // Creation.
  auto no_version = server_.Send("POST", "/v1/uploads", "", {{"Upload-Length", "100"}});
  check(no_version, {412, "unsupported_tus_version"}, "no Tus-Resumable");
  EXPECT_EQ(no_version.Header("Tus-Version"), "1.0.0");
  check(server_.Send("POST", "/v1/uploads", "",
                     {{"Tus-Resumable", "0.2.2"}, {"Upload-Length", "100"}}),
        {412, "unsupported_tus_version"}, "old version");
  check(server_.Send("POST", "/v1/uploads", "", With(kTus, {{"Upload-Length", "3000000000"}})),
        {413, "upload_too_large"}, "over max_upload_bytes");
  check(server_.Send("POST", "/v1/uploads", "", kTus), {400, "invalid_request"}, "no length");
  check(server_.Send("POST", "/v1/uploads", "", With(kTus, {{"Upload-Length", "-1"}})),
        {400, "invalid_request"}, "negative length");
  check(server_.Send("POST", "/v1/uploads", "", With(kTus, {{"Upload-Defer-Length", "1"}})),
        {400, "invalid_request"}, "deferred length");
  check(server_.Send("POST", "/v1/uploads", "",
                     With(kTus, {{"Upload-Length", "100"}, {"Upload-Metadata", "name %%%"}})),
        {400, "invalid_request"}, "bad metadata");
  check(server_.Send("POST", "/v1/uploads", "data",
                     With(kTus, {{"Upload-Length", "100"},
                                 {"Content-Type", "application/offset+octet-stream"}})),
        {400, "invalid_request"}, "creation with data");

  Bytes file = Evidence(100000);
  std::string path = Create(file.size());
  ByteSpan some = ByteSpan(file).first(70000);

  // Appends.
  check(server_.Send(
            "PATCH", path, ToString(some),
            With(kTus, {{"Content-Type", "application/octet-stream"}, {"Upload-Offset", "0"}})),
        {415, "unsupported_media_type"}, "content type");
  check(server_.Send("PATCH", path, ToString(some),
                     With(kTus, {{"Content-Type", "application/offset+octet-stream"}})),
        {400, "invalid_request"}, "no offset");
  check(Patch(path, 5, some), {409, "offset_mismatch"}, "offset mismatch");
  check(Patch(path, 0, some, {{"Upload-Checksum", "sha256 " + Base64Sha256(AsBytes("x"))}}),
        {460, "checksum_mismatch"}, "checksum mismatch");
  EXPECT_EQ(OffsetOf(path), 0);
  check(Patch(path, 0, some, {{"Upload-Checksum", "md5 AAAAAAAAAAAAAAAAAAAAAA=="}}),
        {400, "checksum_unsupported"}, "md5");
  check(Patch(path, 0, some, {{"Upload-Checksum", "sha256 not-base64"}}), {400, "invalid_request"},
        "bad checksum");
  Bytes longer(file.begin(), file.end());
  longer.push_back(0);
  check(Patch(path, 0, longer), {413, "upload_length_exceeded"}, "past the length");
  EXPECT_EQ(OffsetOf(path), 0);
  check(server_.Send("PATCH", path, ToString(some), kTus), {415, "unsupported_media_type"},
        "no content type");
  auto no_tus =
      server_.Send("PATCH", path, ToString(some),
                   {{"Content-Type", "application/offset+octet-stream"}, {"Upload-Offset", "0"}});
  check(no_tus, {412, "unsupported_tus_version"}, "PATCH without Tus-Resumable");

  // Unknown ids and path tricks.
  const std::string unknown = "/v1/uploads/" + std::string(32, 'a');
  check(Head(unknown), {404, ""}, "HEAD unknown");
  check(Patch(unknown, 0, some), {404, "not_found"}, "PATCH unknown");
  check(server_.Send("DELETE", unknown, "", kTus), {404, "not_found"}, "DELETE unknown");
  std::string upper = path;
  for (std::size_t i = 12; i < upper.size(); ++i)
    upper[i] = static_cast<char>(std::toupper(upper[i]));
  for (const std::string& trick :
       {upper, path + ".part", path + "%2f..", std::string("/v1/uploads/..%2f..%2fvigil.conf"),
        std::string("/v1/uploads/%2e%2e")})
    check(Patch(trick, 0, some), {404, "not_found"}, trick);
  EXPECT_EQ(server_.Send("HEAD", "/v1/uploads/../../etc/passwd", "", kTus).status, 404u);
  EXPECT_EQ(server_.Send("GET", path, "", kTus).status, 405u);

  // A report naming an upload that does not exist, or is not finished.
  auto report = server_.Send("POST", "/v1/reports",
                             ReportBody(HexEncode(Bytes(32, 0x63)), {path.substr(12)}));
  EXPECT_EQ(report.status, 404u);
  EXPECT_EQ(ErrorCode(report), "not_found");

  // Not an age file: refused as soon as its first 64 KiB are in, and removed.
  std::string plain_path = Create(200000);
  check(Patch(plain_path, 0, Bytes(200000, 'x')), {400, "invalid_ciphertext"}, "plaintext");
  EXPECT_EQ(Head(plain_path).status, 404u);

  // Termination; the same upload is then gone.
  check(server_.Send("DELETE", path, "", kTus), {204, ""}, "DELETE");
  check(Head(path), {404, ""}, "HEAD after DELETE");
  check(server_.Send("DELETE", path, "", {}), {412, "unsupported_tus_version"}, "DELETE no tus");
  EXPECT_TRUE(std::filesystem::is_empty(server_.data_dir() / "uploads"));
}

// tus metadata (file names) and a refused plaintext upload appear in no file of the data
// directory and not in the server log.
TEST_P(UploadApiTest, MetadataAndRefusedPlaintextAreStoredNowhere) {
  const std::string name_canary = "CANARY-filename-5c1e0a77.jpg";
  const std::string body_canary = "CANARY-upload-9d2f4b13-in-the-clear";
  Bytes file = Evidence(1000);
  std::string path =
      Create(file.size(), {{"Upload-Metadata", "filename " + Base64Encode(AsBytes(name_canary))}});
  ASSERT_EQ(Patch(path, 0, file).status, 204u);
  std::string clear;
  while (clear.size() < 100000) clear += body_canary + "\n";
  std::string refused = Create(clear.size());
  ASSERT_EQ(Patch(refused, 0, AsBytes(clear)).status, 400u);
  ASSERT_EQ(server_.Stop(), 0);
  std::size_t files = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(server_.data_dir())) {
    if (!entry.is_regular_file()) continue;
    ++files;
    std::ifstream in(entry.path(), std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(bytes.find(name_canary), std::string::npos) << entry.path();
    EXPECT_EQ(bytes.find(body_canary), std::string::npos) << entry.path();
  }
  EXPECT_GT(files, 3u);
  EXPECT_EQ(server_.server_log().find("CANARY"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Engines, UploadApiTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& p) { return std::string(p.param); });

}  // namespace
}  // namespace vigil
