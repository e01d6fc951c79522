// Accounts and keys end to end against a real vigild, on SQLite and on the harness's
// PostgreSQL, with the client's side done as a browser would: passphrase derivations, age
// encryption of identities and wraps, TOTP codes. The whole reporter → coordinator → reply →
// reporter round trip; roles, lock-out, key rotation and read tokens; the no-JavaScript form
// and its plaintext canary.
#include <gtest/gtest.h>
#include <zip.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>

#include "auth/derivation.h"
#include "auth/passphrase.h"
#include "auth/totp.h"
#include "base/base32.h"
#include "base/base64.h"
#include "base/hex.h"
#include "crypto/age/age.h"
#include "crypto/age/scrypt_recipient.h"
#include "crypto/age/x25519_recipient.h"
#include "crypto/sha256.h"
#include "testing/seeded_random.h"
#include "translog/entry.h"
#include "translog/receipt.h"
#include "vigild_process.h"

namespace vigil {
namespace {

namespace json = boost::json;
using Headers = std::vector<std::pair<std::string, std::string>>;
using testing::DatabaseFor;
using testing::ErrorCode;
using testing::VigildProcess;

std::string Text(const SecretBytes& s) {
  return std::string(reinterpret_cast<const char*>(s.data()), s.size());
}

json::object Object(const http::GetResult& r) { return json::parse(r.body).as_object(); }

// A staff member's device: passphrase, identity, authenticator.
struct Device {
  std::string login_name;
  std::string passphrase;
  Bytes salt;
  age::X25519Identity identity;
  Bytes seed;
  std::string cookie;
  std::string account_id;
};

class AccountApiTest : public ::testing::TestWithParam<std::string> {
 protected:
  AccountApiTest()
      : server_(DatabaseFor(GetParam(), "account_api_" + std::to_string(counter_++))),
        organisation_(age::X25519Identity::Generate(random_)) {}

  Device NewDevice(std::string name) {
    return Device{std::move(name),
                  Text(auth::GeneratePassphrase(random_, 6)),
                  random_.Generate(16),
                  age::X25519Identity::Generate(random_),
                  {},
                  {},
                  {}};
  }
  Bytes EncryptTo(const std::vector<std::string>& recipients, ByteSpan plain) {
    std::vector<age::X25519Recipient> parsed;
    for (const auto& r : recipients) parsed.push_back(*age::X25519Recipient::Parse(r));
    std::vector<const age::Recipient*> pointers;
    for (const auto& r : parsed) pointers.push_back(&r);
    return *age::EncryptBytes(plain, pointers, random_);
  }
  std::string Decrypt(ByteSpan file, const age::Identity& identity) {
    const age::Identity* ids[] = {&identity};
    auto plain = age::DecryptBytes(file, ids);
    return plain ? std::string(plain->begin(), plain->end()) : "(does not decrypt)";
  }
  std::string Code(const Device& d) {
    auto now = std::chrono::duration_cast<std::chrono::seconds>(
                   std::chrono::system_clock::now().time_since_epoch())
                   .count();
    return auth::TotpCode(d.seed, static_cast<std::uint64_t>(now / 30));
  }
  std::string LoginSecret(const Device& d) {
    return Base64Encode(auth::DeriveLoginSecret(d.passphrase, d.salt)->span());
  }

  // Enrols `d` with an invitation token, as the join page does.
  http::GetResult Enrol(Device& d, const std::string& token) {
    auto enrolment = server_.Send("POST", "/v1/enrolments",
                                  json::serialize(json::object{{"invitation_token", token}}));
    if (enrolment.status != 201) return enrolment;
    auto e = Object(enrolment);
    d.seed = *Base32Decode(std::string(e.at("totp_secret").as_string()));
    age::ScryptRecipient by_passphrase(SecretBytes(AsBytes(d.passphrase)), 10);
    const age::Recipient* rs[] = {&by_passphrase};
    SecretBytes identity_text = d.identity.Encode();
    json::object body{
        {"invitation_token", token},
        {"login_name", d.login_name},
        {"login_salt", HexEncode(d.salt)},
        {"login_secret", LoginSecret(d)},
        {"recipient", d.identity.ToRecipient().ToString()},
        {"identity", Base64Encode(*age::EncryptBytes(identity_text.span(), rs, random_))},
        {"totp_code", Code(d)}};
    if (e.at("creates_organisation_key").as_bool()) {
      SecretBytes org = organisation_.Encode();
      body["organisation_recipient"] = organisation_.ToRecipient().ToString();
      body["organisation_wrap"] =
          Base64Encode(EncryptTo({d.identity.ToRecipient().ToString()}, org.span()));
    }
    auto created = server_.Send("POST", "/v1/accounts", json::serialize(body));
    if (created.status == 201) d.account_id = std::string(Object(created).at("id").as_string());
    return created;
  }

  // Signs in, waiting for a fresh TOTP step when the last one was used.
  http::GetResult SignIn(Device& d) {
    auto salt = server_.Send("POST", "/v1/login-salts",
                             json::serialize(json::object{{"login_name", d.login_name}}));
    EXPECT_EQ(Object(salt).at("login_salt").as_string(), HexEncode(d.salt));
    http::GetResult r;
    for (int attempt = 0; attempt < 2; ++attempt) {
      r = server_.Send("POST", "/v1/sessions",
                       json::serialize(json::object{{"login_name", d.login_name},
                                                    {"login_secret", LoginSecret(d)},
                                                    {"totp_code", Code(d)}}));
      if (r.status != 401) break;
      std::this_thread::sleep_for(std::chrono::seconds(31 - std::time(nullptr) % 30));
    }
    std::string set_cookie(r.Header("Set-Cookie"));
    d.cookie = set_cookie.substr(0, set_cookie.find(';'));
    return r;
  }
  Headers As(const Device& d) { return {{"Cookie", d.cookie}}; }

  static inline int counter_ = 0;
  testing::SeededRandom random_{2026};
  VigildProcess server_;
  age::X25519Identity organisation_;
};

TEST_P(AccountApiTest, ReporterCoordinatorReplyRoundTrip) {
  // The first administrator, from the link `vigil init` printed.
  Device admin = NewDevice("amina");
  auto created = Enrol(admin, server_.invitation_token());
  ASSERT_EQ(created.status, 201u) << created.body;
  EXPECT_EQ(Object(created).at("role").as_string(), "admin");
  auto signed_in = SignIn(admin);
  ASSERT_EQ(signed_in.status, 201u) << signed_in.body;
  std::string set_cookie(signed_in.Header("Set-Cookie"));
  for (const char* attribute : {"HttpOnly", "Secure", "SameSite=Strict", "Path=/"})
    EXPECT_NE(set_cookie.find(attribute), std::string::npos) << attribute;

  // The public instance facts carry the new organisation recipient.
  auto instance = Object(server_.Send("GET", "/v1/instance"));
  std::string origin(instance.at("log_origin").as_string());
  std::string org_recipient(instance.at("organisation_key").at("recipient").as_string());
  EXPECT_EQ(org_recipient, organisation_.ToRecipient().ToString());

  // A reporter: keys derived from a generated passphrase, the report encrypted to both.
  std::string reporter_passphrase = Text(auth::GeneratePassphrase(random_));
  auto reporter = *auth::DeriveReporterKeys(reporter_passphrase, origin);
  auto report =
      server_.Send("POST", "/v1/reports",
                   json::serialize(json::object{
                       {"lookup_id", HexEncode(reporter.lookup_id)},
                       {"reporter_recipient", reporter.recipient},
                       {"ciphertext", Base64Encode(EncryptTo({org_recipient, reporter.recipient},
                                                             AsBytes("they followed me home")))}}));
  ASSERT_EQ(report.status, 201u) << report.body;
  std::string report_id(Object(report).at("report_id").as_string());
  std::string message_id(Object(report).at("message_id").as_string());

  // A coordinator joins by invitation; the administrator wraps the key for them.
  auto invitation = server_.Send("POST", "/v1/invitations", R"({"role":"coordinator"})", As(admin));
  ASSERT_EQ(invitation.status, 201u) << invitation.body;
  Device coordinator = NewDevice("carlos");
  ASSERT_EQ(Enrol(coordinator, std::string(Object(invitation).at("token").as_string())).status,
            201u);
  ASSERT_EQ(SignIn(coordinator).status, 201u);
  auto keys = Object(server_.Send("GET", "/v1/accounts/me/keys", "", As(coordinator)));
  EXPECT_FALSE(keys.at("has_current_key").as_bool());
  auto wrap = server_.Send(
      "POST", "/v1/keys/current/wraps",
      json::serialize(json::object{
          {"account_id", coordinator.account_id},
          {"wrap", Base64Encode(EncryptTo({coordinator.identity.ToRecipient().ToString()},
                                          organisation_.Encode().span()))}}),
      As(admin));
  ASSERT_EQ(wrap.status, 204u) << wrap.body;

  // The coordinator's browser unlocks: passphrase → identity → organisation key.
  keys = Object(server_.Send("GET", "/v1/accounts/me/keys", "", As(coordinator)));
  ASSERT_TRUE(keys.at("has_current_key").as_bool());
  age::ScryptIdentity by_passphrase(SecretBytes(AsBytes(coordinator.passphrase)));
  std::string identity_text =
      Decrypt(*Base64Decode(std::string(keys.at("identity").as_string())), by_passphrase);
  auto identity = age::X25519Identity::Parse(identity_text);
  ASSERT_TRUE(identity.has_value()) << identity_text;
  const auto& wraps = keys.at("wraps").as_array();
  ASSERT_EQ(wraps.size(), 1u);
  auto org = age::X25519Identity::Parse(
      Decrypt(*Base64Decode(std::string(wraps[0].at("wrap").as_string())), *identity));
  ASSERT_TRUE(org.has_value());

  // The inbox, the report decrypted, a reply to the reporter.
  auto inbox = server_.Send("GET", "/v1/reports", "", As(coordinator));
  ASSERT_EQ(inbox.status, 200u) << inbox.body;
  EXPECT_EQ(Object(inbox).at("reports").as_array().size(), 1u);
  auto content = server_.Send("GET", "/v1/reports/" + report_id + "/messages/" + message_id, "",
                              As(coordinator));
  ASSERT_EQ(content.status, 200u);
  EXPECT_EQ(Decrypt(AsBytes(content.body), *org), "they followed me home");
  auto reply = server_.Send(
      "POST", "/v1/reports/" + report_id + "/messages",
      json::serialize(
          json::object{{"ciphertext", Base64Encode(EncryptTo({reporter.recipient, org_recipient},
                                                             AsBytes("we can help; call us")))}}),
      As(coordinator));
  ASSERT_EQ(reply.status, 201u) << reply.body;

  // The reporter comes back with the passphrase alone and reads the reply.
  auto again = *auth::DeriveReporterKeys(reporter_passphrase, origin);
  auto thread = Object(
      server_.Send("POST", "/v1/lookups",
                   json::serialize(json::object{{"lookup_id", HexEncode(again.lookup_id)}})));
  const auto& messages = thread.at("messages").as_array();
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_EQ(messages[1].at("author").as_string(), "organisation");
  auto reply_body = server_.Send(
      "GET",
      "/v1/reports/" + report_id + "/messages/" + std::string(messages[1].at("id").as_string()), "",
      {{"Vigil-Lookup-Id", HexEncode(again.lookup_id)}});
  auto reporter_identity = age::X25519Identity::Parse(Text(again.identity));
  EXPECT_EQ(Decrypt(AsBytes(reply_body.body), *reporter_identity), "we can help; call us");

  // Deletion is an administrator's: logged, and the report leaves the API.
  EXPECT_EQ(ErrorCode(server_.Send("DELETE", "/v1/reports/" + report_id, "", As(coordinator))),
            "forbidden");
  auto deleted = server_.Send("DELETE", "/v1/reports/" + report_id, "", As(admin));
  ASSERT_EQ(deleted.status, 200u) << deleted.body;
  EXPECT_EQ(ErrorCode(server_.Send("GET", "/v1/reports/" + report_id, "", As(coordinator))),
            "not_found");
  EXPECT_EQ(Object(server_.Send("GET", "/v1/reports", "", As(coordinator)))
                .at("reports")
                .as_array()
                .size(),
            0u);

  // Nothing stored names the staff: no login name in any file of the data directory.
  for (const auto& entry : std::filesystem::recursive_directory_iterator(server_.data_dir())) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(bytes.find("carlos"), std::string::npos) << entry.path();
    EXPECT_EQ(bytes.find(coordinator.passphrase), std::string::npos) << entry.path();
  }
}

TEST_P(AccountApiTest, RolesLockOutRotationAndReadTokens) {
  Device admin = NewDevice("admin");
  ASSERT_EQ(Enrol(admin, server_.invitation_token()).status, 201u);
  // The link is good once.
  Device intruder = NewDevice("intruder");
  EXPECT_EQ(ErrorCode(Enrol(intruder, server_.invitation_token())), "not_found");
  ASSERT_EQ(SignIn(admin).status, 201u);

  // Without a session: 401; an auditor: 403 on reports.
  EXPECT_EQ(ErrorCode(server_.Send("GET", "/v1/reports")), "unauthenticated");
  EXPECT_EQ(ErrorCode(server_.Send("GET", "/v1/accounts", "", {{"Cookie", "vigil_session=00"}})),
            "unauthenticated");
  auto invitation = server_.Send("POST", "/v1/invitations", R"({"role":"auditor"})", As(admin));
  Device auditor = NewDevice("auditor");
  ASSERT_EQ(Enrol(auditor, std::string(Object(invitation).at("token").as_string())).status, 201u);
  ASSERT_EQ(SignIn(auditor).status, 201u);
  EXPECT_EQ(ErrorCode(server_.Send("GET", "/v1/reports", "", As(auditor))), "forbidden");
  EXPECT_EQ(ErrorCode(server_.Send("POST", "/v1/invitations", R"({"role":"admin"})", As(auditor))),
            "forbidden");
  EXPECT_EQ(ErrorCode(server_.Send("POST", "/v1/invitations", R"({"role":"king"})", As(admin))),
            "invalid_request");

  // Entry bundles: a mirror's read token, not the public.
  auto token = server_.Send("POST", "/v1/read-tokens", R"({"role":"mirror"})", As(admin));
  ASSERT_EQ(token.status, 201u) << token.body;
  std::string bearer = "Bearer " + std::string(Object(token).at("token").as_string());
  auto checkpoint = server_.Send("GET", "/checkpoint");
  ASSERT_EQ(checkpoint.status, 200u);
  EXPECT_EQ(ErrorCode(server_.Send("GET", "/tile/entries/000.p/1")), "entries_not_public");
  EXPECT_EQ(server_.Send("GET", "/tile/entries/000.p/1", "", {{"Authorization", bearer}}).status,
            200u);

  // Lock-out: five wrong secrets, then even the right one waits.
  std::string wrong_secret = Base64Encode(Bytes(32, 1));
  for (int i = 0; i < 5; ++i) {
    auto r = server_.Send(
        "POST", "/v1/sessions",
        json::serialize(json::object{
            {"login_name", "admin"}, {"login_secret", wrong_secret}, {"totp_code", "000000"}}));
    EXPECT_EQ(ErrorCode(r), "invalid_credentials");
  }
  auto locked = server_.Send("POST", "/v1/sessions",
                             json::serialize(json::object{{"login_name", "admin"},
                                                          {"login_secret", LoginSecret(admin)},
                                                          {"totp_code", Code(admin)}}));
  EXPECT_EQ(ErrorCode(locked), "locked_out");
  EXPECT_FALSE(locked.Header("Retry-After").empty());

  // The auditor is removed (signed out at once); the last administrator cannot be.
  auto accounts = Object(server_.Send("GET", "/v1/accounts", "", As(admin)));
  EXPECT_EQ(accounts.at("accounts").as_array().size(), 3u);  // admin, auditor, mirror token
  EXPECT_EQ(server_
                .Send("PUT", "/v1/accounts/" + auditor.account_id + "/role", R"({"role":"none"})",
                      As(admin))
                .status,
            204u);
  EXPECT_EQ(ErrorCode(server_.Send("GET", "/v1/sessions/current", "", As(auditor))),
            "unauthenticated");
  EXPECT_EQ(ErrorCode(server_.Send("PUT", "/v1/accounts/" + admin.account_id + "/role",
                                   R"({"role":"coordinator"})", As(admin))),
            "last_administrator");

  // Key rotation: a new organisation key wrapped to the remaining holder, the old one kept
  // readable through the new.
  age::X25519Identity next = age::X25519Identity::Generate(random_);
  std::string next_recipient = next.ToRecipient().ToString();
  auto rotated = server_.Send(
      "POST", "/v1/keys",
      json::serialize(json::object{
          {"recipient", next_recipient},
          {"previous", Base64Encode(EncryptTo({next_recipient}, organisation_.Encode().span()))},
          {"wraps", json::array{json::object{
                        {"account_id", admin.account_id},
                        {"wrap", Base64Encode(EncryptTo({admin.identity.ToRecipient().ToString()},
                                                        next.Encode().span()))}}}}}),
      As(admin));
  ASSERT_EQ(rotated.status, 201u) << rotated.body;
  auto instance = Object(server_.Send("GET", "/v1/instance"));
  EXPECT_EQ(instance.at("organisation_key").at("generation").as_int64(), 2);
  EXPECT_EQ(instance.at("organisation_key").at("recipient").as_string(), next_recipient);

  // Signing out ends the session.
  EXPECT_EQ(server_.Send("DELETE", "/v1/sessions/current", "", As(admin)).status, 204u);
  EXPECT_EQ(ErrorCode(server_.Send("GET", "/v1/accounts", "", As(admin))), "unauthenticated");
}

// Every regular file under `dir` that contains `needle`.
std::vector<std::string> FilesContaining(const std::filesystem::path& dir,
                                         std::string_view needle) {
  std::vector<std::string> found;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(
           dir, std::filesystem::directory_options::skip_permission_denied, ec);
       it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (ec || !it->is_regular_file()) continue;
    std::ifstream in(it->path(), std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (bytes.find(needle) != std::string::npos) found.push_back(it->path().string());
  }
  return found;
}

// A multipart/form-data body as a browser sends it.
struct Part {
  std::string name;
  std::optional<std::string> filename;
  std::string content;
};
constexpr char kBoundary[] = "----vigilFormBoundary7MA4YWxkTrZu0gW";
std::string FormBody(const std::vector<Part>& parts) {
  std::string body;
  for (const auto& p : parts) {
    body += std::string("--") + kBoundary + "\r\nContent-Disposition: form-data; name=\"" + p.name +
            "\"";
    if (p.filename) body += "; filename=\"" + *p.filename + "\"\r\nContent-Type: image/jpeg";
    body += "\r\n\r\n" + p.content + "\r\n";
  }
  return body + "--" + kBoundary + "--\r\n";
}
Headers FormHeaders() {
  return {{"Content-Type", std::string("multipart/form-data; boundary=") + kBoundary}};
}

// The no-JavaScript path: the server encrypts the form as it arrives to the organisation and a
// passphrase it shows once; the reporter's passphrase opens the report and its files, and no
// plaintext reaches any file of the instance, the database or the server log.
TEST_P(AccountApiTest, NoJavaScriptFormEncryptsOnArrivalAndStoresNoPlaintext) {
  Device admin = NewDevice("admin");
  ASSERT_EQ(Enrol(admin, server_.invitation_token()).status, 201u);

  auto page = server_.Send("GET", "/nojs/report?lang=ar");
  ASSERT_EQ(page.status, 200u);
  EXPECT_NE(page.body.find("dir=\"rtl\""), std::string::npos);
  EXPECT_EQ(page.body.find("<script"), std::string::npos);
  EXPECT_NE(std::string(page.Header("Content-Security-Policy")).find("form-action 'self'"),
            std::string::npos);

  const std::string text_canary = "CANARY-TEXT-" + HexEncode(random_.Generate(8));
  const std::string file_canary = "CANARY-FILE-" + HexEncode(random_.Generate(8));
  std::string big_file = file_canary + std::string(300 * 1024, 'x') + file_canary;
  auto sent =
      server_.Send("POST", "/nojs/report?lang=fr",
                   FormBody({{"what", std::nullopt, "They said: " + text_canary},
                             {"when", std::nullopt, "mars 2026"},
                             {"where", std::nullopt, ""},
                             {"files", "photo.jpg", big_file},
                             {"files", "note.txt", "small " + file_canary},
                             {"files", "", ""}}),  // the empty part of a file input left empty
                   FormHeaders());
  ASSERT_EQ(sent.status, 201u) << sent.body;
  EXPECT_EQ(sent.Header("Cache-Control"), "no-store");
  std::size_t strong = sent.body.find("<strong>");
  ASSERT_NE(strong, std::string::npos);
  std::string passphrase =
      sent.body.substr(strong + 8, sent.body.find("</strong>", strong) - strong - 8);
  EXPECT_EQ(auth::CountListWords(passphrase), 8u) << passphrase;

  // The reporter reads it back with the passphrase alone.
  std::string origin(Object(server_.Send("GET", "/v1/instance")).at("log_origin").as_string());
  auto keys = *auth::DeriveReporterKeys(passphrase, origin);
  auto reporter = *age::X25519Identity::Parse(Text(keys.identity));
  auto thread =
      Object(server_.Send("POST", "/v1/lookups",
                          json::serialize(json::object{{"lookup_id", HexEncode(keys.lookup_id)}})));
  std::string report_id(thread.at("report_id").as_string());
  const auto& message = thread.at("messages").as_array().at(0);
  Headers as_reporter = {{"Vigil-Lookup-Id", HexEncode(keys.lookup_id)}};
  auto content = server_.Send(
      "GET", "/v1/reports/" + report_id + "/messages/" + std::string(message.at("id").as_string()),
      "", as_reporter);
  auto report = json::parse(Decrypt(AsBytes(content.body), reporter)).as_object();
  EXPECT_EQ(Decrypt(AsBytes(content.body), organisation_), json::serialize(report));
  EXPECT_EQ(report.at("format").as_string(), "vigil-report/v1");
  EXPECT_EQ(report.at("language").as_string(), "fr");
  EXPECT_EQ(report.at("fields").at("what").as_string(), "They said: " + text_canary);
  EXPECT_FALSE(report.at("fields").as_object().contains("where"));  // left empty
  const auto& attachments = report.at("attachments").as_array();
  ASSERT_EQ(attachments.size(), 2u);
  EXPECT_EQ(attachments[0].at("name").as_string(), "photo.jpg");
  EXPECT_EQ(attachments[0].at("size").as_int64(), static_cast<std::int64_t>(big_file.size()));
  auto file = server_.Send("GET",
                           "/v1/reports/" + report_id + "/attachments/" +
                               std::string(attachments[0].at("id").as_string()),
                           "", as_reporter);
  ASSERT_EQ(file.status, 200u);
  EXPECT_EQ(Decrypt(AsBytes(file.body), reporter), big_file);

  // Bad forms get an error page with a stable code, and store nothing.
  auto code_of = [](const http::GetResult& r) {
    std::size_t at = r.body.find("data-error-code=\"");
    return at == std::string::npos ? std::string("(none)")
                                   : r.body.substr(at + 17, r.body.find('"', at + 17) - at - 17);
  };
  EXPECT_EQ(code_of(server_.Send("POST", "/nojs/report", "what=x",
                                 {{"Content-Type", "application/x-www-form-urlencoded"}})),
            "invalid_request");
  EXPECT_EQ(code_of(server_.Send("POST", "/nojs/report", FormBody({{"who", std::nullopt, "x"}}),
                                 FormHeaders())),
            "invalid_request");
  EXPECT_EQ(code_of(server_.Send("POST", "/nojs/report", FormBody({{"what", std::nullopt, " "}}),
                                 FormHeaders())),
            "invalid_request");
  EXPECT_EQ(code_of(server_.Send("POST", "/nojs/report",
                                 FormBody({{"what", std::nullopt, std::string(40000, 'a')}}),
                                 FormHeaders())),
            "payload_too_large");
  EXPECT_EQ(
      code_of(server_.Send("POST", "/nojs/report",
                           FormBody({{"what", std::nullopt, "x"}}).substr(0, 60), FormHeaders())),
      "invalid_request");

  // The canaries: nowhere in the data directory (blobs, log, SQLite files), the PostgreSQL
  // cluster's files, the server's log, or a backup.
  testing::TempDir backup_dir;
  std::string backup = std::string(VIGIL_CLI) + " backup " + server_.data_dir().string() + " " +
                       (backup_dir.path() / "b").string() + " > /dev/null";
  ASSERT_EQ(std::system(backup.c_str()), 0);
  for (const std::string& canary : {text_canary, file_canary}) {
    EXPECT_EQ(FilesContaining(backup_dir.path(), canary), std::vector<std::string>{}) << canary;
    EXPECT_EQ(FilesContaining(server_.data_dir(), canary), std::vector<std::string>{}) << canary;
    if (GetParam() == "postgres") {
      EXPECT_EQ(FilesContaining(testing::TempPostgres::Get().data_dir(), canary),
                std::vector<std::string>{});
    }
    EXPECT_EQ(server_.server_log().find(canary), std::string::npos);
  }
}

// The log and the blobs are the source of truth (DESIGN.md section 5): a database deleted and
// rebuilt by `vigil rebuild` holds the same accounts, keys, wraps, shares, reports and replies.
TEST_P(AccountApiTest, RebuildRecreatesAccountsKeysReportsAndReplies) {
  Device admin = NewDevice("admin");
  ASSERT_EQ(Enrol(admin, server_.invitation_token()).status, 201u);
  ASSERT_EQ(SignIn(admin).status, 201u);
  auto invitation = server_.Send("POST", "/v1/invitations", R"({"role":"coordinator"})", As(admin));
  Device coordinator = NewDevice("coordinator");
  ASSERT_EQ(Enrol(coordinator, std::string(Object(invitation).at("token").as_string())).status,
            201u);
  ASSERT_EQ(SignIn(coordinator).status, 201u);
  ASSERT_EQ(
      server_
          .Send("POST", "/v1/keys/current/wraps",
                json::serialize(json::object{
                    {"account_id", coordinator.account_id},
                    {"wrap", Base64Encode(EncryptTo({coordinator.identity.ToRecipient().ToString()},
                                                    organisation_.Encode().span()))}}),
                As(admin))
          .status,
      204u);
  json::array shares;
  int index = 1;
  for (const Device* d : {&admin, &coordinator})
    shares.push_back(
        json::object{{"holder", d->account_id},
                     {"index", index++},
                     {"share", Base64Encode(EncryptTo({d->identity.ToRecipient().ToString()},
                                                      AsBytes("share " + d->login_name)))}});
  ASSERT_EQ(
      server_
          .Send("POST", "/v1/recovery-shares",
                json::serialize(json::object{{"threshold", 2}, {"shares", shares}}), As(admin))
          .status,
      204u);
  std::string org_recipient = organisation_.ToRecipient().ToString();
  auto reporter = age::X25519Identity::Generate(random_);
  auto report = server_.Send(
      "POST", "/v1/reports",
      json::serialize(json::object{
          {"lookup_id", HexEncode(Bytes(32, 0x33))},
          {"reporter_recipient", reporter.ToRecipient().ToString()},
          {"ciphertext", Base64Encode(EncryptTo({org_recipient, reporter.ToRecipient().ToString()},
                                                AsBytes("report")))}}));
  std::string report_id(Object(report).at("report_id").as_string());
  ASSERT_EQ(server_
                .Send("POST", "/v1/reports/" + report_id + "/messages",
                      json::serialize(json::object{
                          {"ciphertext", Base64Encode(EncryptTo(
                                             {reporter.ToRecipient().ToString(), org_recipient},
                                             AsBytes("reply")))}}),
                      As(coordinator))
                .status,
            201u);

  auto snapshot = [&] {
    return std::vector<std::string>{
        server_.Send("GET", "/v1/accounts", "", As(admin)).body,
        server_.Send("GET", "/v1/accounts/me/keys", "", As(coordinator)).body,
        server_.Send("GET", "/v1/recovery-shares/mine", "", As(coordinator)).body,
        server_.Send("GET", "/v1/reports/" + report_id, "", As(coordinator)).body,
        server_.Send("GET", "/v1/reports", "", As(coordinator)).body,
        server_.Send("GET", "/v1/instance").body};
  };
  auto before = snapshot();
  ASSERT_EQ(server_.Stop(), 0);

  // A lost database: the SQLite files deleted, or a new empty PostgreSQL database.
  if (GetParam() == "sqlite") {
    for (const char* suffix : {"", "-wal", "-shm"})
      std::filesystem::remove(server_.data_dir() / (std::string("vigil.db") + suffix));
  } else {
    server_.SetDatabase(
        DatabaseFor("postgres", "account_api_rebuilt_" + std::to_string(counter_++)));
  }
  std::string rebuild =
      std::string(VIGIL_CLI) + " rebuild " + server_.data_dir().string() + " > /dev/null";
  ASSERT_EQ(std::system(rebuild.c_str()), 0);
  server_.Start();
  // Sessions are not in the log: everyone signs in again.
  EXPECT_EQ(ErrorCode(server_.Send("GET", "/v1/accounts", "", As(admin))), "unauthenticated");
  ASSERT_EQ(SignIn(admin).status, 201u);
  ASSERT_EQ(SignIn(coordinator).status, 201u);
  auto after = snapshot();
  for (std::size_t i = 0; i < before.size(); ++i) EXPECT_EQ(after[i], before[i]) << i;
}

// The tracker (issue 8): public reads whose headline counts match the data files, an editor's
// sourced change in the log and the public history, refused changes, export and import.
TEST_P(AccountApiTest, TrackerEditsAreSourcedLoggedAndPublic) {
  auto states = Object(server_.Send("GET", "/v1/states"));
  EXPECT_EQ(states.at("headline").at("states_parties").as_int64(), 124);
  EXPECT_EQ(states.at("headline").at("apic").at("listed").as_int64(), 70);
  EXPECT_EQ(states.at("headline").at("apic").at("reported_total").as_string(), "79");
  // Each State of the list carries the table's columns, unknown until an editor sources them.
  for (const auto& state : states.at("states").as_array()) {
    ASSERT_FALSE(state.at("blocking_measures").at("known").as_bool());
    ASSERT_FALSE(state.at("non_cooperation_findings").at("known").as_bool());
  }
  auto gambia = Object(server_.Send("GET", "/v1/states/GMB"));
  EXPECT_FALSE(gambia.at("rome_statute").at("ratification").at("known").as_bool());
  EXPECT_TRUE(gambia.at("rome_statute").at("ratification").at("value").is_null());
  EXPECT_EQ(gambia.at("apic").at("status").as_string(), "unknown");
  EXPECT_EQ(ErrorCode(server_.Send("GET", "/v1/states/gmb")), "invalid_request");
  EXPECT_EQ(ErrorCode(server_.Send("GET", "/v1/states/USA")), "not_found");

  Device admin = NewDevice("admin");
  ASSERT_EQ(Enrol(admin, server_.invitation_token()).status, 201u);
  ASSERT_EQ(SignIn(admin).status, 201u);
  auto invitation = server_.Send("POST", "/v1/invitations", R"({"role":"editor"})", As(admin));
  ASSERT_EQ(invitation.status, 201u) << invitation.body;
  Device editor = NewDevice("editor");
  ASSERT_EQ(Enrol(editor, std::string(Object(invitation).at("token").as_string())).status, 201u);
  ASSERT_EQ(SignIn(editor).status, 201u);

  std::string edit = R"({"field":"ratification_date","value":"2002-06-28","source":"UN XVIII-10"})";
  EXPECT_EQ(ErrorCode(server_.Send("POST", "/v1/states/GMB/edits", edit)), "unauthenticated");
  EXPECT_EQ(ErrorCode(server_.Send(
                "POST", "/v1/states/GMB/edits",
                R"({"field":"ratification_date","value":"2002-06-28","source":""})", As(editor))),
            "invalid_request");
  EXPECT_EQ(ErrorCode(server_.Send(
                "POST", "/v1/states/GMB/edits",
                R"({"field":"ratification_date","value":"2002-02-30","source":"x"})", As(editor))),
            "invalid_request");
  auto made = server_.Send("POST", "/v1/states/GMB/edits", edit, As(editor));
  ASSERT_EQ(made.status, 201u) << made.body;
  gambia = Object(server_.Send("GET", "/v1/states/GMB"));
  EXPECT_EQ(gambia.at("rome_statute").at("ratification").at("value").as_string(), "2002-06-28");
  EXPECT_EQ(gambia.at("rome_statute").at("ratification").at("source").as_string(), "UN XVIII-10");
  auto history = Object(server_.Send("GET", "/v1/states/GMB/history"));
  ASSERT_EQ(history.at("changes").as_array().size(), 1u);
  EXPECT_EQ(history.at("changes").as_array()[0].at("source").as_string(), "UN XVIII-10");
  EXPECT_EQ(Object(server_.Send("GET", "/v1/tracker/changes")).at("changes").as_array().size(), 1u);
  EXPECT_EQ(Object(server_.Send("GET", "/v1/states")).at("headline").at("ratification_dates_known"),
            states.at("headline").at("ratification_dates_known").as_int64() + 1);

  // Export and import: the same file changes nothing; a changed cell with its source is one edit;
  // one without a source is refused, naming the row.
  auto csv = server_.Send("GET", "/v1/tracker/export?format=csv");
  ASSERT_EQ(csv.status, 200u);
  auto same = server_.Send("POST", "/v1/tracker/import", csv.body, As(editor));
  ASSERT_EQ(same.status, 201u) << same.body;
  EXPECT_EQ(Object(same).at("changes").as_array().size(), 0u);
  std::string changed = csv.body;
  std::size_t row = changed.find("\r\nISL,");
  ASSERT_NE(row, std::string::npos);
  std::string line = changed.substr(row + 2, changed.find("\r\n", row + 2) - row - 2);
  std::string edited_line = line;
  edited_line.replace(edited_line.find(",party,"), 7, ",withdrawal_notified,");
  changed.replace(row + 2, line.size(), edited_line);
  auto refused = server_.Send("POST", "/v1/tracker/import", changed, As(editor));
  EXPECT_EQ(ErrorCode(refused), "invalid_import") << refused.body;
  EXPECT_EQ(ErrorCode(server_.Send("GET", "/v1/tracker/export?format=xml")), "invalid_request");
  EXPECT_EQ(server_.Send("GET", "/v1/tracker/export?format=json").status, 200u);
}

// Published statistics (issue 7): a coordinator's safe table is logged and public with a
// receipt; a table showing a small count is refused; readers need no account.
TEST_P(AccountApiTest, StatisticsArePublishedOnlyWhenSafe) {
  Device admin = NewDevice("admin");
  ASSERT_EQ(Enrol(admin, server_.invitation_token()).status, 201u);
  ASSERT_EQ(SignIn(admin).status, 201u);
  const std::string safe = R"({"format":"vigil-statistics/v1","title":"Incidents by type",
    "k":5,"rows":["threats","surveillance"],"columns":["Q1","Q2"],
    "cells":[[{"suppressed":"fewer_than_k"},{"suppressed":"complementary"}],
             [{"suppressed":"complementary"},{"suppressed":"complementary"}]],
    "row_totals":[12,30],"column_totals":[20,22],"total":42})";
  std::string unsafe = safe;
  unsafe.replace(unsafe.find(R"({"suppressed":"fewer_than_k"})"), 29, "3");
  EXPECT_EQ(ErrorCode(server_.Send("POST", "/v1/statistics", safe)), "unauthenticated");
  EXPECT_EQ(ErrorCode(server_.Send("POST", "/v1/statistics", unsafe, As(admin))),
            "unsafe_statistics");
  EXPECT_EQ(ErrorCode(server_.Send("POST", "/v1/statistics", "{}", As(admin))), "invalid_request");
  auto published = server_.Send("POST", "/v1/statistics", safe, As(admin));
  ASSERT_EQ(published.status, 201u) << published.body;
  std::string id(Object(published).at("id").as_string());
  auto list = Object(server_.Send("GET", "/v1/statistics"));
  ASSERT_EQ(list.at("publications").as_array().size(), 1u);
  auto one = Object(server_.Send("GET", "/v1/statistics/" + id));
  EXPECT_EQ(one.at("document").at("total").as_int64(), 42);
  http::GetResult receipt;
  for (int i = 0; i < 100; ++i) {
    receipt = server_.Send("GET", "/v1/statistics/" + id + "/receipt");
    if (receipt.status != 409) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(receipt.status, 200u) << receipt.body;
}

// Protection cases: the server keeps opaque revisions in order, refuses a stale one, records
// exports in the custody log and gives the receipt of any entry for an export package.
TEST_P(AccountApiTest, CasesAreOpaqueRevisionsWithACustodyLog) {
  Device admin = NewDevice("admin");
  ASSERT_EQ(Enrol(admin, server_.invitation_token()).status, 201u);
  ASSERT_EQ(SignIn(admin).status, 201u);
  const std::string canary = "case-canary-" + HexEncode(random_.Generate(8));
  const std::string org = organisation_.ToRecipient().ToString();
  auto revision = [&](const std::string& text, std::optional<std::int64_t> base) {
    json::object body{{"ciphertext", Base64Encode(EncryptTo({org}, AsBytes(text)))}};
    if (base) body["base_revision"] = *base;
    return json::serialize(body);
  };
  EXPECT_EQ(ErrorCode(server_.Send("POST", "/v1/cases", revision("x", {}))), "unauthenticated");
  EXPECT_EQ(ErrorCode(server_.Send("POST", "/v1/cases",
                                   R"({"ciphertext":")" + Base64Encode(AsBytes(canary)) + "\"}",
                                   As(admin))),
            "invalid_ciphertext");
  auto created = server_.Send("POST", "/v1/cases", revision(canary + " one", {}), As(admin));
  ASSERT_EQ(created.status, 201u) << created.body;
  std::string id(Object(created).at("case_id").as_string());
  std::string path = "/v1/cases/" + id;
  EXPECT_EQ(
      server_.Send("POST", path + "/revisions", revision(canary + " two", 1), As(admin)).status,
      201u);
  EXPECT_EQ(ErrorCode(server_.Send("POST", path + "/revisions", revision("stale", 1), As(admin))),
            "revision_conflict");
  EXPECT_EQ(ErrorCode(server_.Send("POST", "/v1/cases/00000000000000000000000000000000/revisions",
                                   revision("x", 1), As(admin))),
            "not_found");

  auto list = Object(server_.Send("GET", "/v1/cases?include=ciphertext&limit=10", "", As(admin)));
  ASSERT_EQ(list.at("cases").as_array().size(), 1u);
  const auto& item = list.at("cases").as_array()[0].as_object();
  EXPECT_EQ(item.at("revisions").as_int64(), 2);
  EXPECT_EQ(Decrypt(*Base64Decode(std::string(item.at("ciphertext").as_string())), organisation_),
            canary + " two");
  EXPECT_EQ(ErrorCode(server_.Send("GET", "/v1/cases?limit=501", "", As(admin))),
            "invalid_request");
  auto first = server_.Send("GET", path + "/revisions/1", "", As(admin));
  EXPECT_EQ(Decrypt(AsBytes(first.body), organisation_), canary + " one");
  EXPECT_EQ(ErrorCode(server_.Send("GET", path + "/revisions/3", "", As(admin))), "not_found");

  std::string manifest = HexEncode(random_.Generate(32));
  auto exported = server_.Send(
      "POST", path + "/exports",
      json::serialize(json::object{{"revision", 2}, {"manifest_sha256", manifest}}), As(admin));
  ASSERT_EQ(exported.status, 201u) << exported.body;
  auto view = Object(server_.Send("GET", path, "", As(admin)));
  const auto& custody = view.at("custody").as_array();
  ASSERT_EQ(custody.size(), 3u);
  EXPECT_EQ(custody[2].at("kind").as_string(), "export");
  EXPECT_EQ(custody[2].at("manifest_sha256").as_string(), manifest);
  EXPECT_EQ(custody[0].at("author").as_string(), custody[2].at("author").as_string());

  std::string receipt_url(Object(exported).at("receipt_url").as_string());
  http::GetResult receipt;
  for (int i = 0; i < 100; ++i) {
    receipt = server_.Send("GET", receipt_url, "", As(admin));
    if (receipt.status != 409) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(receipt.status, 200u) << receipt.body;
  EXPECT_EQ(ErrorCode(server_.Send("GET", receipt_url)), "unauthenticated");
  EXPECT_EQ(ErrorCode(server_.Send("GET", "/v1/receipts/x", "", As(admin))), "not_found");
  // An index the log has not reached will never have a receipt: not "pending".
  EXPECT_EQ(ErrorCode(server_.Send("GET", "/v1/receipts/999999999", "", As(admin))), "not_found");
  EXPECT_EQ(FilesContaining(server_.data_dir(), canary), std::vector<std::string>{});

  // A package of the exported revision, as the browser makes it (without evidence here:
  // src/cases/export_test.cc covers files), checked by `vigil verify-export`, then one byte
  // of it changed.
  auto receipt_of = [&](std::uint64_t index) {
    http::GetResult r;
    for (int i = 0; i < 100; ++i) {
      r = server_.Send("GET", "/v1/receipts/" + std::to_string(index), "", As(admin));
      if (r.status != 409) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return r.body;
  };
  auto second_index = static_cast<std::uint64_t>(custody[1].at("log_index").as_int64());
  std::string second = receipt_of(second_index);
  auto parsed = translog::ParseReceipt(second);
  ASSERT_TRUE(parsed.has_value()) << second;
  auto entry = translog::DecodeEntry(parsed->entry);
  ASSERT_TRUE(entry.has_value());
  std::string summary = "<!doctype html><title>Case summary</title>";
  json::object package_manifest{
      {"format", "vigil-case-export/v1"},
      {"case_id", id},
      {"revision", 2},
      {"log_origin", parsed->checkpoint.substr(0, parsed->checkpoint.find('\n'))},
      {"checkpoint", parsed->checkpoint},
      {"files", json::array{json::object{{"path", "summary.html"},
                                         {"sha256", HexEncode(crypto::Sha256(AsBytes(summary)))},
                                         {"size", summary.size()}}}},
      {"entries", json::array{json::object{{"kind", "case_revision"},
                                           {"id", HexEncode(entry->object_id)},
                                           {"revision", 2},
                                           {"log_index", second_index},
                                           {"receipt", second}}}},
      {"custody", json::array{json::object{{"log_index", custody[0].at("log_index").as_int64()}}}}};
  std::string manifest_text = json::serialize(package_manifest);
  std::filesystem::path zip_path = server_.data_dir().parent_path() / "case.zip";
  int zip_error = 0;
  zip_t* archive = zip_open(zip_path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &zip_error);
  ASSERT_NE(archive, nullptr);
  for (const auto& [name, text] :
       {std::pair{"manifest.json", &manifest_text}, std::pair{"summary.html", &summary}}) {
    zip_source_t* source = zip_source_buffer(archive, text->data(), text->size(), 0);
    ASSERT_GE(zip_file_add(archive, name, source, ZIP_FL_ENC_UTF_8), 0);
  }
  ASSERT_EQ(zip_close(archive), 0);
  std::string verify = std::string(VIGIL_CLI) + " verify-export " + zip_path.string() + " --key '" +
                       server_.verifier_key() + "'";
  EXPECT_EQ(std::system((verify + " > /dev/null").c_str()), 0);
  std::string bytes;
  {
    std::ifstream in(zip_path, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  for (std::size_t at : {bytes.size() / 4, bytes.size() / 2}) {
    std::string changed = bytes;
    changed[at] = static_cast<char>(changed[at] ^ 0x20);
    std::ofstream(zip_path, std::ios::binary | std::ios::trunc) << changed;
    EXPECT_NE(std::system((verify + " 2> /dev/null").c_str()), 0) << "byte " << at;
  }
}

INSTANTIATE_TEST_SUITE_P(Engines, AccountApiTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& p) { return p.param; });

}  // namespace
}  // namespace vigil
