// Instance settings end to end against a real vigild, on SQLite and on the harness's PostgreSQL:
// an administrator changes them (a coordinator may not), bad values change nothing, a stale
// version is a conflict, the change takes effect at once (tus creation, the reporter pages),
// survives a restart, is in a log that `vigil log verify` accepts, and comes back from
// `vigil rebuild`.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>

#include "auth/derivation.h"
#include "auth/passphrase.h"
#include "auth/totp.h"
#include "base/base32.h"
#include "base/base64.h"
#include "base/hex.h"
#include "crypto/age/age.h"
#include "crypto/age/scrypt_recipient.h"
#include "crypto/age/x25519_recipient.h"
#include "testing/seeded_random.h"
#include "vigild_process.h"

namespace vigil {
namespace {

namespace json = boost::json;
using Headers = std::vector<std::pair<std::string, std::string>>;
using testing::DatabaseFor;
using testing::ErrorCode;
using testing::VigildProcess;

json::object Object(const http::GetResult& r) { return json::parse(r.body).as_object(); }

// One staff member's side: what their browser derives and their authenticator shows.
struct Member {
  std::string name;
  std::string passphrase;
  Bytes salt;
  age::X25519Identity identity;
  Bytes seed;
  std::string cookie;
};

class SettingsApiTest : public ::testing::TestWithParam<std::string> {
 protected:
  SettingsApiTest()
      : server_(DatabaseFor(GetParam(), "settings_api_" + std::to_string(counter_++))),
        organisation_(age::X25519Identity::Generate(random_)) {}

  Member NewMember(std::string name) {
    SecretBytes words = auth::GeneratePassphrase(random_, 6);
    return Member{std::move(name),
                  std::string(reinterpret_cast<const char*>(words.data()), words.size()),
                  random_.Generate(16),
                  age::X25519Identity::Generate(random_),
                  {},
                  {}};
  }
  std::string Code(const Member& m) {
    return auth::TotpCode(m.seed, static_cast<std::uint64_t>(std::time(nullptr) / 30));
  }
  std::string Secret(const Member& m) {
    return Base64Encode(auth::DeriveLoginSecret(m.passphrase, m.salt)->span());
  }
  // Joins from an invitation token as the join page does; the first one makes the organisation
  // key.
  void Join(Member& m, const std::string& token) {
    auto enrolment = server_.Send("POST", "/v1/enrolments",
                                  json::serialize(json::object{{"invitation_token", token}}));
    ASSERT_EQ(enrolment.status, 201u) << enrolment.body;
    auto e = Object(enrolment);
    m.seed = *Base32Decode(std::string(e.at("totp_secret").as_string()));
    age::ScryptRecipient by_passphrase(SecretBytes(AsBytes(m.passphrase)), 10);
    const age::Recipient* to_passphrase[] = {&by_passphrase};
    SecretBytes identity = m.identity.Encode();
    json::object body{
        {"invitation_token", token},
        {"login_name", m.name},
        {"login_salt", HexEncode(m.salt)},
        {"login_secret", Secret(m)},
        {"recipient", m.identity.ToRecipient().ToString()},
        {"identity", Base64Encode(*age::EncryptBytes(identity.span(), to_passphrase, random_))},
        {"totp_code", Code(m)}};
    if (e.at("creates_organisation_key").as_bool()) {
      auto own = m.identity.ToRecipient();
      const age::Recipient* to_self[] = {&own};
      body["organisation_recipient"] = organisation_.ToRecipient().ToString();
      body["organisation_wrap"] =
          Base64Encode(*age::EncryptBytes(organisation_.Encode().span(), to_self, random_));
    }
    auto created = server_.Send("POST", "/v1/accounts", json::serialize(body));
    ASSERT_EQ(created.status, 201u) << created.body;
  }
  void SignIn(Member& m) {
    http::GetResult r;
    for (int attempt = 0; attempt < 2; ++attempt) {
      r = server_.Send(
          "POST", "/v1/sessions",
          json::serialize(json::object{
              {"login_name", m.name}, {"login_secret", Secret(m)}, {"totp_code", Code(m)}}));
      if (r.status != 401) break;
      std::this_thread::sleep_for(std::chrono::seconds(31 - std::time(nullptr) % 30));
    }
    ASSERT_EQ(r.status, 201u) << r.body;
    std::string cookie(r.Header("Set-Cookie"));
    m.cookie = cookie.substr(0, cookie.find(';'));
  }
  Headers As(const Member& m) { return {{"Cookie", m.cookie}}; }

  // The setting `key` of a GET /v1/settings answer.
  static json::object Setting(const json::object& view, std::string_view key) {
    for (const auto& s : view.at("settings").as_array())
      if (s.at("key").as_string() == key) return s.as_object();
    ADD_FAILURE() << "no setting " << key;
    return {};
  }
  http::GetResult Patch(const Member& m, const json::object& body) {
    return server_.Send("PATCH", "/v1/settings", json::serialize(body), As(m));
  }
  http::GetResult CreateUpload(std::uint64_t length) {
    return server_.Send("POST", "/v1/uploads", "",
                        {{"Tus-Resumable", "1.0.0"}, {"Upload-Length", std::to_string(length)}});
  }

  static inline int counter_ = 0;
  testing::SeededRandom random_{1414};
  VigildProcess server_;
  age::X25519Identity organisation_;
};

TEST_P(SettingsApiTest, AdministratorsChangeSettingsThatApplyAtOnceAndLast) {
  Member admin = NewMember("amina");
  Join(admin, server_.invitation_token());
  SignIn(admin);
  auto invitation = server_.Send("POST", "/v1/invitations", R"({"role":"coordinator"})", As(admin));
  ASSERT_EQ(invitation.status, 201u) << invitation.body;
  Member coordinator = NewMember("carlos");
  Join(coordinator, std::string(Object(invitation).at("token").as_string()));
  SignIn(coordinator);

  // What the administrator's form loads: every setting from the file, version 0.
  auto loaded = server_.Send("GET", "/v1/settings", "", As(admin));
  ASSERT_EQ(loaded.status, 200u) << loaded.body;
  json::object view = Object(loaded);
  EXPECT_EQ(view.at("version").as_int64(), 0);
  EXPECT_EQ(view.at("settings").as_array().size(), 10u);
  json::object idle = Setting(view, "session_idle_minutes");
  EXPECT_EQ(idle.at("value").as_int64(), 30);
  EXPECT_EQ(idle.at("default").as_int64(), 30);
  EXPECT_EQ(idle.at("min").as_int64(), 1);
  EXPECT_EQ(idle.at("max").as_int64(), 1440);
  EXPECT_EQ(idle.at("unit").as_string(), "minutes");
  EXPECT_EQ(idle.at("source").as_string(), "file");
  EXPECT_EQ(Setting(view, "organisation_name").at("max_length").as_int64(), 120);

  // Only administrators.
  EXPECT_EQ(server_.Send("GET", "/v1/settings", "", As(coordinator)).status, 403u);
  auto by_coordinator = Patch(coordinator, {{"version", 0}, {"organisation_name", "Not theirs"}});
  EXPECT_EQ(by_coordinator.status, 403u);
  EXPECT_EQ(ErrorCode(by_coordinator), "forbidden");
  EXPECT_EQ(server_.Send("GET", "/v1/settings").status, 401u);

  // Bad values: 400 naming the setting and its bound, and nothing changes.
  auto out_of_bounds = Patch(
      admin, {{"version", 0}, {"organisation_name", "Half a change"}, {"session_idle_minutes", 0}});
  ASSERT_EQ(out_of_bounds.status, 400u) << out_of_bounds.body;
  EXPECT_EQ(ErrorCode(out_of_bounds), "invalid_setting");
  EXPECT_EQ(Object(out_of_bounds).at("error").at("setting").as_string(), "session_idle_minutes");
  EXPECT_EQ(Object(out_of_bounds).at("error").at("bound").as_string(), "1..1440");
  auto unknown = Patch(admin, {{"version", 0}, {"listen", "0.0.0.0:80"}});
  EXPECT_EQ(ErrorCode(unknown), "unknown_setting");
  EXPECT_EQ(Object(unknown).at("error").at("setting").as_string(), "listen");
  EXPECT_EQ(ErrorCode(Patch(admin, {{"version", 0}, {"max_failed_logins", "5"}})),
            "invalid_setting");
  EXPECT_EQ(ErrorCode(Patch(admin, {{"organisation_name", "no version"}})), "invalid_request");
  EXPECT_EQ(Object(server_.Send("GET", "/v1/settings", "", As(admin))).at("version").as_int64(), 0);
  EXPECT_EQ(Object(server_.Send("GET", "/v1/instance")).at("organisation_name").as_string(), "");

  // A good change: all of it at once.
  const std::string name = "Réseau <Témoins> شبكة";
  auto changed = Patch(admin, {{"version", 0},
                               {"organisation_name", name},
                               {"reporter_contact", "Signal +31 6 0000 0000\nwitness@example.org"},
                               {"session_idle_minutes", 10},
                               {"max_upload_bytes", 100000},
                               {"max_failed_logins", 5}});
  ASSERT_EQ(changed.status, 200u) << changed.body;
  json::object after = Object(changed);
  std::int64_t version = after.at("version").as_int64();
  EXPECT_GT(version, 0);
  EXPECT_EQ(
      json::serialize(after.at("changed")),
      R"(["organisation_name","reporter_contact","max_upload_bytes","session_idle_minutes"])");
  EXPECT_EQ(Setting(after, "session_idle_minutes").at("source").as_string(), "log");
  EXPECT_EQ(Setting(after, "session_idle_minutes").at("log_index").as_int64(), version - 1);
  EXPECT_EQ(Setting(after, "session_idle_minutes").at("default").as_int64(), 30);
  EXPECT_EQ(Setting(after, "max_failed_logins").at("source").as_string(), "file");

  // At once: the public facts, the no-JavaScript form (escaped), tus creation.
  auto instance = Object(server_.Send("GET", "/v1/instance"));
  EXPECT_EQ(instance.at("organisation_name").as_string(), name);
  EXPECT_EQ(instance.at("statistics_min_cell").as_int64(), 5);
  std::string form = server_.Send("GET", "/nojs/report?lang=fr").body;
  EXPECT_NE(form.find("Réseau &lt;Témoins&gt; شبكة"), std::string::npos);
  EXPECT_EQ(form.find("<Témoins>"), std::string::npos);
  EXPECT_NE(form.find("witness@example.org"), std::string::npos);
  EXPECT_EQ(server_.Send("OPTIONS", "/v1/uploads").Header("Tus-Max-Size"), "100000");
  auto too_large = CreateUpload(100001);
  EXPECT_EQ(too_large.status, 413u);
  EXPECT_EQ(ErrorCode(too_large), "upload_too_large");
  EXPECT_EQ(CreateUpload(100000).status, 201u);
  // The no-JavaScript form is held to the same limit, refused before anything is derived.
  std::string big_form = "--b\r\nContent-Disposition: form-data; name=\"what\"\r\n\r\n" +
                         std::string(100001, 'x') + "\r\n--b--\r\n";
  auto big = server_.Send("POST", "/nojs/report?lang=en", big_form,
                          {{"Content-Type", "multipart/form-data; boundary=b"}});
  EXPECT_EQ(big.status, 413u);
  EXPECT_NE(big.body.find("payload_too_large"), std::string::npos);

  // A form loaded before that change is stale.
  auto stale = Patch(admin, {{"version", 0}, {"max_failed_logins", 3}});
  EXPECT_EQ(stale.status, 409u);
  EXPECT_EQ(ErrorCode(stale), "settings_conflict");

  // The change is an entry of type settings (14) in the log, by the administrator. Entry
  // bundles are not public until an administrator says so, which also applies at once.
  auto log_size = [&] { return Object(server_.Send("GET", "/healthz")).at("log_size").as_int64(); };
  std::string bundle = "/tile/entries/000.p/" + std::to_string(log_size());
  EXPECT_EQ(ErrorCode(server_.Send("GET", bundle)), "entries_not_public");
  auto entries = server_.Send("GET", bundle, "", As(admin));
  ASSERT_EQ(entries.status, 200u);
  std::vector<int> types;
  for (std::size_t at = 0; at + 2 <= entries.body.size();) {
    std::size_t length = static_cast<unsigned char>(entries.body[at]) << 8 |
                         static_cast<unsigned char>(entries.body[at + 1]);
    types.push_back(static_cast<unsigned char>(entries.body[at + 3]));
    at += 2 + length;
  }
  ASSERT_GT(types.size(), static_cast<std::size_t>(version - 1));
  EXPECT_EQ(types[static_cast<std::size_t>(version - 1)], 14);
  auto made_public = Patch(admin, {{"version", version}, {"log_entries_public", true}});
  ASSERT_EQ(made_public.status, 200u) << made_public.body;
  std::int64_t current = Object(made_public).at("version").as_int64();
  EXPECT_EQ(server_.Send("GET", "/tile/entries/000.p/" + std::to_string(log_size())).status, 200u);

  // A restart keeps the stored values, and says which override the file.
  ASSERT_EQ(server_.Stop(), 0);
  server_.Start();
  EXPECT_NE(server_.server_log().find("vigild: instance setting session_idle_minutes = 10 (log "
                                      "entry " +
                                      std::to_string(version - 1) + ", overrides vigil.conf's 30)"),
            std::string::npos)
      << server_.server_log();
  auto restarted = server_.Send("GET", "/v1/settings", "", As(admin));
  ASSERT_EQ(restarted.status, 200u) << restarted.body;
  EXPECT_EQ(Object(restarted).at("version").as_int64(), current);
  EXPECT_EQ(Setting(Object(restarted), "session_idle_minutes").at("value").as_int64(), 10);
  EXPECT_EQ(CreateUpload(100001).status, 413u);

  // A second change, over the current version, and back to a larger limit.
  auto second = Patch(admin, {{"version", current}, {"max_upload_bytes", 200000}});
  ASSERT_EQ(second.status, 200u) << second.body;
  EXPECT_EQ(CreateUpload(100001).status, 201u);
  std::int64_t last = Object(second).at("version").as_int64();

  // The log holds the changes and verifies with the blobs.
  ASSERT_EQ(server_.Stop(), 0);
  std::string verify = std::string(VIGIL_CLI) + " log verify " +
                       (server_.data_dir() / "log").string() + " --key '" + server_.verifier_key() +
                       "' --blobs " + (server_.data_dir() / "blobs").string() + " > /dev/null";
  EXPECT_EQ(std::system(verify.c_str()), 0);

  // A lost database: the rebuild recovers the settings from the log.
  if (GetParam() == "sqlite") {
    for (const char* suffix : {"", "-wal", "-shm"})
      std::filesystem::remove(server_.data_dir() / (std::string("vigil.db") + suffix));
  } else {
    server_.SetDatabase(
        DatabaseFor("postgres", "settings_api_rebuilt_" + std::to_string(counter_++)));
  }
  std::string rebuild =
      std::string(VIGIL_CLI) + " rebuild " + server_.data_dir().string() + " > /dev/null";
  ASSERT_EQ(std::system(rebuild.c_str()), 0);
  server_.Start();
  instance = Object(server_.Send("GET", "/v1/instance"));
  EXPECT_EQ(instance.at("organisation_name").as_string(), name);
  SignIn(admin);
  json::object rebuilt = Object(server_.Send("GET", "/v1/settings", "", As(admin)));
  EXPECT_EQ(rebuilt.at("version").as_int64(), last);
  EXPECT_EQ(Setting(rebuilt, "max_upload_bytes").at("value").as_int64(), 200000);
  EXPECT_EQ(Setting(rebuilt, "session_idle_minutes").at("log_index").as_int64(), version - 1);
}

INSTANTIATE_TEST_SUITE_P(Engines, SettingsApiTest, ::testing::Values("sqlite", "postgres"));

}  // namespace
}  // namespace vigil
