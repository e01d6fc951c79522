#include "accounts/accounts.h"

#include <gtest/gtest.h>

#include "auth/totp.h"
#include "crypto/age/age.h"
#include "crypto/age/scrypt_recipient.h"
#include "testing/seeded_random.h"
#include "testing/test_instance.h"
#include "testing/value_of.h"

namespace vigil::accounts {
namespace {

using namespace std::chrono_literals;
using testing::Engine;
using testing::TestInstance;
using testing::ValueOf;

// A staff member as their browser would be: a passphrase-derived login secret, an age identity
// encrypted with the passphrase, and an authenticator holding the TOTP seed.
struct Member {
  std::string name;
  Bytes salt = Bytes(16, 7);
  Bytes secret;
  age::X25519Identity identity;
  Bytes seed;
  std::string id;
};

class AccountsTest : public ::testing::TestWithParam<Engine> {
 protected:
  AccountsTest()
      : instance_(GetParam()),
        server_key_(age::X25519Identity::Generate(random_)),
        organisation_(age::X25519Identity::Generate(random_)) {
    Open();
  }
  void Open(std::function<SessionPolicy()> policy = {}) {
    AccountsOptions options;
    options.verifier_cost = {1, 8 * 1024};
    options.policy = std::move(policy);
    accounts_ =
        std::make_unique<Accounts>(instance_.ledger(), instance_.db(), random_, instance_.clock(),
                                   &server_key_, TestInstance::kOrigin, options);
  }
  std::int64_t Now() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               instance_.clock().Now().time_since_epoch())
        .count();
  }
  std::string Code(const Member& m) {
    return auth::TotpCode(m.seed, static_cast<std::uint64_t>(Now() / 30));
  }
  Bytes EncryptTo(const age::X25519Identity& to, std::string_view text) {
    auto r = to.ToRecipient();
    const age::Recipient* rs[] = {&r};
    return ValueOf(age::EncryptBytes(AsBytes(text), rs, random_));
  }
  Bytes IdentityFile(const Member& m) {
    age::ScryptRecipient r(SecretBytes(AsBytes("passphrase of " + m.name)), 10);
    const age::Recipient* rs[] = {&r};
    SecretBytes text = m.identity.Encode();
    return ValueOf(age::EncryptBytes(text.span(), rs, random_));
  }
  Member NewMember(std::string name) {
    return Member{std::move(name),
                  Bytes(16, 7),
                  random_.Generate(32),
                  age::X25519Identity::Generate(random_),
                  {},
                  {}};
  }
  NewAccount Form(const Member& m, const std::string& token) {
    NewAccount a;
    a.invitation_token = token;
    a.login_name = m.name;
    a.login_salt = m.salt;
    a.login_secret = m.secret;
    a.recipient = m.identity.ToRecipient().ToString();
    a.identity = IdentityFile(m);
    a.totp_code = Code(m);
    return a;
  }
  // Invites and enrols `m`; the first administrator also creates the organisation key.
  Result<AccountInfo> Join(Member& m, Role role, const translog::ActorId& by = {}) {
    Invitation invitation = ValueOf(accounts_->Invite(role, by));
    Enrolment enrolment = ValueOf(accounts_->BeginEnrolment(invitation.token));
    m.seed = enrolment.totp_seed;
    NewAccount form = Form(m, invitation.token);
    if (enrolment.creates_organisation_key) {
      form.organisation_recipient = organisation_.ToRecipient().ToString();
      SecretBytes org = organisation_.Encode();
      form.organisation_wrap = EncryptTo(
          m.identity, std::string_view(reinterpret_cast<const char*>(org.data()), org.size()));
    }
    auto info = accounts_->CreateAccount(form);
    if (info) m.id = info->id;
    return info;
  }
  Principal SignIn(const Member& m) {
    Session session = ValueOf(accounts_->Login(m.name, m.secret, Code(m)));
    instance_.clock().Advance(30s);  // the next login needs the next code
    return ValueOf(accounts_->Authenticate(session.token));
  }

  vigil::testing::SeededRandom random_{5};
  TestInstance instance_;
  age::X25519Identity server_key_;
  age::X25519Identity organisation_;
  std::unique_ptr<Accounts> accounts_;
};

TEST_P(AccountsTest, FirstAdministratorCreatesTheOrganisationKey) {
  Member admin = NewMember("Admin");
  EXPECT_EQ(accounts_->CurrentKey().error().code, Errc::kNotFound);
  AccountInfo info = ValueOf(Join(admin, Role::kAdmin));
  EXPECT_EQ(info.role, Role::kAdmin);
  KeyGeneration key = ValueOf(accounts_->CurrentKey());
  EXPECT_EQ(key.generation, 1u);
  EXPECT_EQ(key.recipient, organisation_.ToRecipient().ToString());
  MemberKeys keys = ValueOf(accounts_->KeysOf(admin.id));
  EXPECT_EQ(keys.identity, IdentityFile(admin).size() ? keys.identity : Bytes{});
  ASSERT_EQ(keys.wraps.size(), 1u);
  // The wrap opens with the member's identity and gives the organisation identity.
  const age::Identity* ids[] = {&admin.identity};
  Bytes org = ValueOf(age::DecryptBytes(keys.wraps[0].second, ids));
  SecretBytes expected = organisation_.Encode();
  EXPECT_EQ(Bytes(org.begin(), org.end()), Bytes(expected.span().begin(), expected.span().end()));
  EXPECT_TRUE(keys.account.has_current_key);
}

TEST_P(AccountsTest, FirstAccountMustBeAnAdministrator) {
  Invitation invitation = ValueOf(accounts_->Invite(Role::kCoordinator, {}));
  EXPECT_EQ(accounts_->BeginEnrolment(invitation.token).error().code, Errc::kFailedPrecondition);
}

TEST_P(AccountsTest, InvitationsAreUsedOnceAndExpire) {
  Member admin = NewMember("admin");
  Invitation invitation = ValueOf(accounts_->Invite(Role::kAdmin, {}));
  Enrolment enrolment = ValueOf(accounts_->BeginEnrolment(invitation.token));
  admin.seed = enrolment.totp_seed;
  NewAccount form = Form(admin, invitation.token);
  form.organisation_recipient = organisation_.ToRecipient().ToString();
  form.organisation_wrap = EncryptTo(admin.identity, "org");
  // A wrong code first: nothing is created.
  NewAccount wrong = form;
  wrong.totp_code = wrong.totp_code == "000000" ? "111111" : "000000";
  EXPECT_EQ(accounts_->CreateAccount(wrong).error().code, Errc::kUnauthenticated);
  ASSERT_TRUE(accounts_->CreateAccount(form));
  EXPECT_EQ(accounts_->BeginEnrolment(invitation.token).error().code, Errc::kNotFound);
  Member other = NewMember("other");
  NewAccount again = Form(other, invitation.token);
  EXPECT_FALSE(accounts_->CreateAccount(again));

  Invitation late = ValueOf(accounts_->Invite(Role::kCoordinator, {}));
  instance_.clock().Advance(73h);
  EXPECT_EQ(accounts_->BeginEnrolment(late.token).error().code, Errc::kNotFound);
  EXPECT_EQ(accounts_->BeginEnrolment("not a token").error().code, Errc::kNotFound);
}

TEST_P(AccountsTest, RefusesBadKeyMaterial) {
  Member admin = NewMember("admin");
  Invitation invitation = ValueOf(accounts_->Invite(Role::kAdmin, {}));
  admin.seed = ValueOf(accounts_->BeginEnrolment(invitation.token)).totp_seed;
  NewAccount form = Form(admin, invitation.token);
  form.organisation_recipient = organisation_.ToRecipient().ToString();
  form.organisation_wrap = EncryptTo(admin.identity, "org");

  NewAccount x25519_identity = form;  // must be passphrase-encrypted (scrypt)
  x25519_identity.identity = EncryptTo(admin.identity, "identity");
  EXPECT_EQ(accounts_->CreateAccount(x25519_identity).error().code, Errc::kInvalidArgument);
  NewAccount plain = form;
  plain.identity = ToBytes("AGE-SECRET-KEY-1 in the clear");
  EXPECT_EQ(accounts_->CreateAccount(plain).error().code, Errc::kMalformed);
  NewAccount bad_recipient = form;
  bad_recipient.recipient = "age1nope";
  EXPECT_EQ(accounts_->CreateAccount(bad_recipient).error().code, Errc::kInvalidArgument);
  NewAccount no_key = form;
  no_key.organisation_wrap.clear();
  EXPECT_EQ(accounts_->CreateAccount(no_key).error().code, Errc::kInvalidArgument);
  NewAccount bad_name = form;
  bad_name.login_name = "two words";
  EXPECT_EQ(accounts_->CreateAccount(bad_name).error().code, Errc::kInvalidArgument);
  EXPECT_TRUE(accounts_->CreateAccount(form));
}

TEST_P(AccountsTest, LoginNeedsSecretAndFreshCodeAndLocksOut) {
  Member admin = NewMember("admin");
  ASSERT_TRUE(Join(admin, Role::kAdmin));
  instance_.clock().Advance(30s);
  EXPECT_EQ(accounts_->LoginSalt("ADMIN"), admin.salt);
  Bytes wrong_secret = admin.secret;
  wrong_secret[0] ^= 1;
  EXPECT_EQ(accounts_->Login("admin", wrong_secret, Code(admin)).error().code,
            Errc::kUnauthenticated);
  EXPECT_EQ(accounts_->Login("admin", admin.secret, "123456").error().code, Errc::kUnauthenticated);
  EXPECT_EQ(accounts_->Login("nobody", admin.secret, Code(admin)).error().code,
            Errc::kUnauthenticated);
  Session session = ValueOf(accounts_->Login("Admin", admin.secret, Code(admin)));
  // The same code again is a replay.
  EXPECT_EQ(accounts_->Login("admin", admin.secret, Code(admin)).error().code,
            Errc::kUnauthenticated);
  Principal p = ValueOf(accounts_->Authenticate(session.token));
  EXPECT_EQ(p.account_id, admin.id);
  EXPECT_EQ(p.role, Role::kAdmin);

  // Five failures in a row (the replay above was one) lock the name, even for the right answer.
  instance_.clock().Advance(30s);
  for (int i = 0; i < 4; ++i)
    EXPECT_EQ(accounts_->Login("admin", wrong_secret, Code(admin)).error().code,
              Errc::kUnauthenticated);
  EXPECT_EQ(accounts_->Login("admin", admin.secret, Code(admin)).error().code,
            Errc::kResourceExhausted);
  instance_.clock().Advance(16min);
  EXPECT_TRUE(accounts_->Login("admin", admin.secret, Code(admin)));
}

TEST_P(AccountsTest, UnknownNamesGetAStableMadeUpSalt) {
  Bytes a = accounts_->LoginSalt("ghost");
  EXPECT_EQ(a.size(), 16u);
  EXPECT_EQ(accounts_->LoginSalt("GHOST"), a);
  EXPECT_NE(accounts_->LoginSalt("ghost2"), a);
}

TEST_P(AccountsTest, SessionsTimeOutWhenIdleAndAtTheirEnd) {
  Member admin = NewMember("admin");
  ASSERT_TRUE(Join(admin, Role::kAdmin));
  instance_.clock().Advance(30s);
  Session idle = ValueOf(accounts_->Login("admin", admin.secret, Code(admin)));
  instance_.clock().Advance(29min);
  EXPECT_TRUE(accounts_->Authenticate(idle.token));
  instance_.clock().Advance(29min);
  EXPECT_TRUE(accounts_->Authenticate(idle.token));  // still used within the idle time
  instance_.clock().Advance(31min);
  EXPECT_EQ(accounts_->Authenticate(idle.token).error().code, Errc::kUnauthenticated);

  Session busy = ValueOf(accounts_->Login("admin", admin.secret, Code(admin)));
  for (int i = 0; i < 12 * 3; ++i) {
    instance_.clock().Advance(20min);
    if (i < 12 * 3 - 1) {
      ASSERT_TRUE(accounts_->Authenticate(busy.token)) << i;
    }
  }
  EXPECT_EQ(accounts_->Authenticate(busy.token).error().code, Errc::kUnauthenticated);
  EXPECT_TRUE(accounts_->Sweep());

  instance_.clock().Advance(30s);
  Session out = ValueOf(accounts_->Login("admin", admin.secret, Code(admin)));
  EXPECT_TRUE(accounts_->Logout(out.token));
  EXPECT_EQ(accounts_->Authenticate(out.token).error().code, Errc::kUnauthenticated);
}

TEST_P(AccountsTest, APolicyChangeAppliesToOpenSessionsAtOnce) {
  auto policy = std::make_shared<SessionPolicy>();
  Open([policy] { return *policy; });
  Member admin = NewMember("admin");
  ASSERT_TRUE(Join(admin, Role::kAdmin));
  instance_.clock().Advance(30s);
  Session session = ValueOf(accounts_->Login("admin", admin.secret, Code(admin)));
  instance_.clock().Advance(6min);
  EXPECT_TRUE(accounts_->Authenticate(session.token));
  policy->session_idle = 5min;  // an administrator shortens the idle time
  instance_.clock().Advance(6min);
  EXPECT_EQ(accounts_->Authenticate(session.token).error().code, Errc::kUnauthenticated);

  // Two failures now lock the name.
  policy->max_failed_logins = 2;
  Bytes wrong(32, 1);
  instance_.clock().Advance(30s);
  EXPECT_FALSE(accounts_->Login("admin", wrong, Code(admin)));
  EXPECT_FALSE(accounts_->Login("admin", wrong, Code(admin)));
  instance_.clock().Advance(30s);
  EXPECT_EQ(accounts_->Login("admin", admin.secret, Code(admin)).error().code,
            Errc::kResourceExhausted);
}

TEST_P(AccountsTest, RolesKeysRotationAndRecoveryShares) {
  Member admin = NewMember("admin");
  ASSERT_TRUE(Join(admin, Role::kAdmin));
  Principal boss = SignIn(admin);
  Member coordinator = NewMember("coord");
  ASSERT_TRUE(Join(coordinator, Role::kCoordinator, boss.actor));
  EXPECT_FALSE(ValueOf(accounts_->KeysOf(coordinator.id)).account.has_current_key);
  Principal coord = SignIn(coordinator);

  // Only key holders wrap; the coordinator gets the current key from the administrator.
  auto self = accounts_->AddWrap(coordinator.id, EncryptTo(coordinator.identity, "org"), coord);
  EXPECT_EQ(self.error().code, Errc::kPermissionDenied) << self.error().ToString();
  EXPECT_EQ(accounts_->AddWrap(coordinator.id, Bytes{}, boss).error().code, Errc::kInvalidArgument);
  EXPECT_EQ(accounts_->AddWrap(admin.id, EncryptTo(admin.identity, "org"), coord).error().code,
            Errc::kAlreadyExists);
  auto wrapped = accounts_->AddWrap(coordinator.id, EncryptTo(coordinator.identity, "org"), boss);
  ASSERT_TRUE(wrapped) << wrapped.error().ToString();
  EXPECT_TRUE(ValueOf(accounts_->KeysOf(coordinator.id)).account.has_current_key);
  EXPECT_EQ(accounts_->ChangeRole(admin.id, std::nullopt, coord).error().code,
            Errc::kPermissionDenied);
  EXPECT_EQ(accounts_->ChangeRole(admin.id, Role::kCoordinator, boss).error().code,
            Errc::kFailedPrecondition);  // the last administrator

  // Rotation must cover every key holder.
  age::X25519Identity next = age::X25519Identity::Generate(random_);
  SecretBytes old_text = organisation_.Encode();
  NewKeyGeneration rotation;
  rotation.recipient = next.ToRecipient().ToString();
  rotation.previous = EncryptTo(next, "old organisation identity");
  rotation.wraps = {{admin.id, EncryptTo(admin.identity, "next")}};
  EXPECT_EQ(accounts_->RotateKey(rotation, boss).error().code, Errc::kInvalidArgument);
  EXPECT_EQ(accounts_->RotateKey(rotation, coord).error().code, Errc::kPermissionDenied);
  // The coordinator leaves: removed, signed out, and the rotation then covers the admin alone.
  ASSERT_TRUE(accounts_->ChangeRole(coordinator.id, std::nullopt, boss));
  KeyGeneration g2 = ValueOf(accounts_->RotateKey(rotation, boss));
  EXPECT_EQ(g2.generation, 2u);
  EXPECT_EQ(ValueOf(accounts_->CurrentKey()).recipient, rotation.recipient);
  MemberKeys keys = ValueOf(accounts_->KeysOf(admin.id));
  EXPECT_EQ(keys.generations.size(), 2u);
  EXPECT_EQ(keys.wraps.size(), 2u);
  EXPECT_FALSE(ValueOf(accounts_->KeysOf(coordinator.id)).account.active);

  // Recovery shares: 2 of 2 to two members.
  Member second = NewMember("second");
  ASSERT_TRUE(Join(second, Role::kAdmin, boss.actor));
  std::vector<RecoveryShare> shares = {{admin.id, 1, EncryptTo(admin.identity, "share 1")},
                                       {second.id, 2, EncryptTo(second.identity, "share 2")}};
  EXPECT_EQ(accounts_->StoreRecoveryShares(3, shares, boss).error().code, Errc::kInvalidArgument);
  ASSERT_TRUE(accounts_->StoreRecoveryShares(2, shares, boss));
  auto mine = ValueOf(accounts_->RecoverySharesOf(second.id));
  ASSERT_EQ(mine.size(), 1u);
  EXPECT_EQ(mine[0].index, 2u);
  EXPECT_EQ(mine[0].threshold, 2u);
  EXPECT_EQ(mine[0].generation, 2u);
}

TEST_P(AccountsTest, ReadTokensAuthenticateMirrorsAndCanBeRevoked) {
  Member admin = NewMember("admin");
  ASSERT_TRUE(Join(admin, Role::kAdmin));
  Principal boss = SignIn(admin);
  std::string token = ValueOf(accounts_->CreateReadToken(Role::kMirror, boss));
  Principal mirror = ValueOf(accounts_->AuthenticateReadToken(token));
  EXPECT_EQ(mirror.role, Role::kMirror);
  EXPECT_EQ(accounts_->CreateReadToken(Role::kAdmin, boss).error().code, Errc::kInvalidArgument);
  EXPECT_EQ(accounts_->CreateReadToken(Role::kMirror, mirror).error().code,
            Errc::kPermissionDenied);
  EXPECT_EQ(accounts_->ChangeRole(mirror.account_id, Role::kAdmin, boss).error().code,
            Errc::kInvalidArgument);
  ASSERT_TRUE(accounts_->ChangeRole(mirror.account_id, std::nullopt, boss));
  EXPECT_EQ(accounts_->AuthenticateReadToken(token).error().code, Errc::kUnauthenticated);
}

// The log and the blobs are the source of truth: an empty database caught up from them holds
// the same accounts, keys, wraps and shares (sessions excepted: everyone signs in again).
TEST_P(AccountsTest, RebuildRecreatesAccountsAndKeys) {
  Member admin = NewMember("admin");
  ASSERT_TRUE(Join(admin, Role::kAdmin));
  Principal boss = SignIn(admin);
  Member coordinator = NewMember("coord");
  ASSERT_TRUE(Join(coordinator, Role::kCoordinator, boss.actor));
  ASSERT_TRUE(accounts_->AddWrap(coordinator.id, EncryptTo(coordinator.identity, "org"), boss));
  std::vector<RecoveryShare> shares = {{admin.id, 1, EncryptTo(admin.identity, "s1")},
                                       {coordinator.id, 2, EncryptTo(coordinator.identity, "s2")}};
  ASSERT_TRUE(accounts_->StoreRecoveryShares(2, shares, boss));
  auto before = ValueOf(accounts_->List());
  MemberKeys keys_before = ValueOf(accounts_->KeysOf(coordinator.id));

  accounts_.reset();
  instance_.ReplaceDatabase();
  Open();
  EXPECT_GT(ValueOf(instance_.ledger().CatchUp(instance_.log_dir())), 8u);
  auto after = ValueOf(accounts_->List());
  ASSERT_EQ(after.size(), before.size());
  for (std::size_t i = 0; i < after.size(); ++i) {
    EXPECT_EQ(after[i].id, before[i].id);
    EXPECT_EQ(after[i].role, before[i].role);
    EXPECT_EQ(after[i].recipient, before[i].recipient);
    EXPECT_EQ(after[i].has_current_key, before[i].has_current_key);
  }
  MemberKeys keys_after = ValueOf(accounts_->KeysOf(coordinator.id));
  EXPECT_EQ(keys_after.identity, keys_before.identity);
  EXPECT_EQ(keys_after.wraps, keys_before.wraps);
  EXPECT_EQ(ValueOf(accounts_->RecoverySharesOf(coordinator.id)).size(), 1u);
  // Logging in works again from the rebuilt index (TOTP seed opened with the server key).
  instance_.clock().Advance(30s);
  EXPECT_TRUE(accounts_->Login("coord", coordinator.secret, Code(coordinator)));
}

INSTANTIATE_TEST_SUITE_P(Engines, AccountsTest,
                         ::testing::Values(Engine::kSqlite, Engine::kPostgres),
                         [](const auto& p) { return testing::EngineName(p.param); });

}  // namespace
}  // namespace vigil::accounts
