// Records: docs/formats/records.md, "Accounts and keys". Derivations:
// docs/formats/derivation.md. Threats: docs/threat_model.md (T2 stolen database, T6 guessing).
#include "accounts/accounts.h"

#include <sodium.h>

#include <algorithm>
#include <set>

#include "auth/derivation.h"
#include "auth/token.h"
#include "auth/totp.h"
#include "base/hex.h"
#include "crypto/age/age.h"
#include "crypto/hmac.h"
#include "crypto/sha256.h"
#include "reports/ciphertext.h"
#include "store/values.h"

namespace vigil::accounts {
namespace {

using records::Applied;
using records::Corrupt;
using records::IdText;
using records::ParseDecimal;
using records::Record;
using records::RecordBuilder;
using store::Blob;
using store::BytesOf;
using store::I64;
using store::IsNull;
using store::Str;
using store::Transaction;
using store::U32;
using store::U64;
using translog::EntryType;

constexpr std::size_t kMaxLoginName = 64;
constexpr std::size_t kMaxKeyFile = 16 * 1024;  // an identity or a wrap is a few hundred bytes

constexpr Role kRoles[] = {Role::kAdmin, Role::kCoordinator, Role::kAuditor, Role::kMirror,
                           Role::kEditor};

// A login name: 1 to 64 printable ASCII bytes, no spaces, compared without ASCII case.
Result<std::string> NormalizeLoginName(std::string_view name) {
  if (name.empty() || name.size() > kMaxLoginName)
    return MakeError(Errc::kInvalidArgument, "a login name is 1 to 64 characters");
  std::string out;
  for (char c : name) {
    if (c <= 0x20 || c > 0x7e)
      return MakeError(Errc::kInvalidArgument, "a login name is printable ASCII without spaces");
    out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  }
  return out;
}

// The database and records never hold a login name, only this.
std::string LoginHash(std::string_view normalized) {
  return HexEncode(crypto::Sha256(AsBytes("vigil login name v1\n" + std::string(normalized))));
}

std::string ActorText(const translog::ActorId& actor) { return HexEncode(actor); }

translog::ActorId ActorOf(std::string_view account_id) {
  translog::ActorId actor{};
  auto id = records::ParseId(account_id);
  if (id) std::copy(id->begin(), id->end(), actor.begin());
  return actor;
}

Status CheckKeyFile(ByteSpan file, std::string_view stanza_type, std::string_view what) {
  if (file.empty() || file.size() > kMaxKeyFile)
    return MakeError(Errc::kInvalidArgument, std::string(what) + " is missing or too large");
  return reports::CheckAgeFile(file, 1, stanza_type);
}

Status CheckRecipient(std::string_view recipient) {
  if (!age::X25519Recipient::Parse(recipient))
    return MakeError(Errc::kInvalidArgument, "not an age X25519 recipient");
  return OkStatus();
}

// --- Appliers: total, first entry wins (records/ledger.h). ---

Status ApplyInvitation(Transaction& t, const Applied& a) {
  auto role = a.record->One("role");
  auto token_hash = a.record->One("token-hash");
  auto expires = a.record->One("expires-hour");
  if (!role || !token_hash || !expires || !ParseRole(*role) || !ParseDecimal(*expires))
    return Corrupt(a, "bad invitation record");
  return t.Execute(
      "INSERT INTO invitations (id, role, token_hash, expires_hour, created_by, log_index) "
      "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
      {IdText(a.entry.object_id), std::string(*role), std::string(*token_hash),
       *ParseDecimal(*expires), ActorText(a.entry.actor), I64(a.index)});
}

Status ApplyAccount(Transaction& t, const Applied& a) {
  const Record& r = *a.record;
  auto invitation = r.One("invitation");
  auto login_hash = r.One("login-hash");
  auto salt = r.One("login-salt");
  auto verifier = r.One("verifier");
  auto recipient = r.One("recipient");
  if (!invitation || !login_hash || !salt || !verifier || !recipient)
    return Corrupt(a, "bad account record");
  auto salt_bytes = HexDecode(*salt);
  if (!salt_bytes) return Corrupt(a, "bad login salt");
  // The invitation must be unused and unexpired when the entry was made; otherwise the entry
  // stays in the log without effect.
  VIGIL_ASSIGN_OR_RETURN(auto rows,
                         t.Query("SELECT role, expires_hour, used_by FROM invitations WHERE id = ?",
                                 {std::string(*invitation)}));
  if (rows.empty() || !IsNull(rows[0][2]) || U64(rows[0][1]) < a.entry.hour) return OkStatus();
  VIGIL_ASSIGN_OR_RETURN(auto taken, t.Query("SELECT 1 FROM accounts WHERE login_hash = ?",
                                             {std::string(*login_hash)}));
  if (!taken.empty()) return OkStatus();
  const std::string id = IdText(a.entry.object_id);
  VIGIL_RETURN_IF_ERROR(
      t.Execute("UPDATE invitations SET used_by = ? WHERE id = ?", {id, std::string(*invitation)}));
  return t.Execute(
      "INSERT INTO accounts (id, role, login_hash, login_salt, verifier, recipient, identity, "
      "created_hour, log_index) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
      {id, Str(rows[0][0]), std::string(*login_hash), *salt_bytes, std::string(*verifier),
       std::string(*recipient), r.payload, static_cast<std::int64_t>(a.entry.hour), I64(a.index)});
}

Status ApplyReadToken(Transaction& t, const Applied& a) {
  auto role = a.record->One("role");
  auto token_hash = a.record->One("token-hash");
  if (!role || !token_hash || !ParseRole(*role)) return Corrupt(a, "bad read-token record");
  return t.Execute(
      "INSERT INTO accounts (id, role, token_hash, created_hour, log_index) "
      "VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
      {IdText(a.entry.object_id), std::string(*role), std::string(*token_hash),
       static_cast<std::int64_t>(a.entry.hour), I64(a.index)});
}

Status ApplyTotp(Transaction& t, const Applied& a) {
  auto account = a.record->One("account");
  if (!account) return Corrupt(a, "bad totp record");
  return t.Execute(
      "INSERT INTO totp_seeds (account_id, seed, log_index) VALUES (?, ?, ?) "
      "ON CONFLICT (account_id) DO UPDATE SET seed = excluded.seed, log_index = excluded.log_index",
      {std::string(*account), a.record->payload, I64(a.index)});
}

Status ApplyAccountRecord(Transaction& t, const Applied& a) {
  std::string_view type = a.record->type();
  if (type == "account") return ApplyAccount(t, a);
  if (type == "totp") return ApplyTotp(t, a);
  if (type == "read-token") return ApplyReadToken(t, a);
  return Corrupt(a, "unknown account record type");
}

Status ApplyRoleChange(Transaction& t, const Applied& a) {
  auto account = a.record->One("account");
  auto role = a.record->One("role");
  if (!account || !role || (*role != "none" && !ParseRole(*role)))
    return Corrupt(a, "bad role-change record");
  VIGIL_RETURN_IF_ERROR(t.Execute("UPDATE accounts SET role = ? WHERE id = ?",
                                  {std::string(*role), std::string(*account)}));
  if (*role == "none")
    return t.Execute("DELETE FROM sessions WHERE account_id = ?", {std::string(*account)});
  return OkStatus();
}

Status ApplyKeyRecord(Transaction& t, const Applied& a) {
  const Record& r = *a.record;
  auto generation = r.One("generation");
  if (!generation || !ParseDecimal(*generation)) return Corrupt(a, "bad key record");
  std::int64_t g = *ParseDecimal(*generation);
  if (r.type() == "organisation-key") {
    auto recipient = r.One("recipient");
    if (!recipient) return Corrupt(a, "bad organisation-key record");
    store::Value previous = r.payload.empty() ? store::Value(nullptr) : store::Value(r.payload);
    return t.Execute(
        "INSERT INTO key_generations (generation, recipient, previous, created_hour, log_index) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        {g, std::string(*recipient), previous, static_cast<std::int64_t>(a.entry.hour),
         I64(a.index)});
  }
  if (r.type() == "key-wrap") {
    auto account = r.One("account");
    if (!account) return Corrupt(a, "bad key-wrap record");
    return t.Execute(
        "INSERT INTO key_wraps (generation, account_id, wrap, log_index) VALUES (?, ?, ?, ?) "
        "ON CONFLICT DO NOTHING",
        {g, std::string(*account), r.payload, I64(a.index)});
  }
  return Corrupt(a, "unknown key record type");
}

Status ApplyRecoveryShare(Transaction& t, const Applied& a) {
  const Record& r = *a.record;
  auto generation = r.One("generation");
  auto holder = r.One("holder");
  auto index = r.One("index");
  auto threshold = r.One("threshold");
  auto count = r.One("count");
  if (!generation || !holder || !index || !threshold || !count || !ParseDecimal(*generation) ||
      !ParseDecimal(*index) || !ParseDecimal(*threshold) || !ParseDecimal(*count))
    return Corrupt(a, "bad recovery-share record");
  return t.Execute(
      "INSERT INTO recovery_shares (id, generation, holder, share_index, threshold, share_count, "
      "share, log_index) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
      {IdText(a.entry.object_id), *ParseDecimal(*generation), std::string(*holder),
       *ParseDecimal(*index), *ParseDecimal(*threshold), *ParseDecimal(*count), r.payload,
       I64(a.index)});
}

AccountInfo InfoOf(const store::Row& r) {
  AccountInfo info;
  info.id = Str(r[0]);
  auto role = ParseRole(Str(r[1]));
  info.active = role.has_value();
  info.role = role.value_or(Role::kCoordinator);
  info.recipient = IsNull(r[2]) ? "" : Str(r[2]);
  info.created_hour = U32(r[3]);
  info.log_index = U64(r[4]);
  info.has_current_key = U64(r[5]) > 0;
  return info;
}

// Columns for InfoOf; the last one counts wraps of the newest generation.
constexpr char kInfoColumns[] =
    "SELECT a.id, a.role, a.recipient, a.created_hour, a.log_index, "
    "(SELECT COUNT(*) FROM key_wraps w WHERE w.account_id = a.id AND w.generation = "
    "(SELECT MAX(generation) FROM key_generations)) FROM accounts a ";

}  // namespace

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kAdmin:
      return "admin";
    case Role::kCoordinator:
      return "coordinator";
    case Role::kAuditor:
      return "auditor";
    case Role::kMirror:
      return "mirror";
    case Role::kEditor:
      return "editor";
  }
  return "none";
}

std::optional<Role> ParseRole(std::string_view name) {
  for (Role role : kRoles)
    if (RoleName(role) == name) return role;
  return std::nullopt;
}

bool HoldsOrganisationKey(Role role) { return role == Role::kAdmin || role == Role::kCoordinator; }

Accounts::Accounts(records::Ledger& ledger, store::Database& db, Random& random, const Clock& clock,
                   const age::X25519Identity* server_identity, std::string instance,
                   AccountsOptions options)
    : ledger_(ledger),
      db_(db),
      random_(random),
      clock_(clock),
      server_identity_(server_identity),
      instance_(std::move(instance)),
      options_(std::move(options)),
      verifications_(options_.concurrent_verifications) {
  ledger_.Register(EntryType::kInvitation, ApplyInvitation, /*has_record=*/true);
  ledger_.Register(EntryType::kAccount, ApplyAccountRecord, true);
  ledger_.Register(EntryType::kRoleChange, ApplyRoleChange, true);
  ledger_.Register(EntryType::kKeyRotation, ApplyKeyRecord, true);
  ledger_.Register(EntryType::kRecoveryShare, ApplyRecoveryShare, true);
  if (server_identity_ != nullptr) {
    // Made-up login salts are keyed by the server key, so they are stable across restarts
    // and unpredictable to anyone without the key.
    SecretBytes encoded = server_identity_->Encode();
    crypto::Sha256Digest key = crypto::Sha256(
        AsBytes("vigil login salt key v1\n" +
                std::string(reinterpret_cast<const char*>(encoded.data()), encoded.size())));
    salt_key_.assign(key.begin(), key.end());
  }
}

std::int64_t Accounts::Now() const {
  return std::chrono::duration_cast<std::chrono::seconds>(clock_.Now().time_since_epoch()).count();
}

translog::ObjectId Accounts::NewId() {
  translog::ObjectId id{};
  random_.Fill(id);
  return id;
}

Result<Bytes> Accounts::SealSeed(ByteSpan seed) {
  if (server_identity_ == nullptr)
    return MakeError(Errc::kFailedPrecondition, "no server key to protect TOTP seeds");
  age::X25519Recipient recipient = server_identity_->ToRecipient();
  const age::Recipient* recipients[] = {&recipient};
  return age::EncryptBytes(seed, recipients, random_);
}

Result<Bytes> Accounts::OpenSeed(ByteSpan sealed) const {
  if (server_identity_ == nullptr)
    return MakeError(Errc::kFailedPrecondition, "no server key to open TOTP seeds");
  const age::Identity* identities[] = {server_identity_};
  return age::DecryptBytes(sealed, identities);
}

Result<Invitation> Accounts::Invite(Role role, const translog::ActorId& by) {
  Invitation invitation;
  translog::ObjectId id = NewId();
  invitation.id = IdText(id);
  invitation.token = auth::NewToken(random_);
  invitation.role = role;
  invitation.expires_at = Now() + options_.invitation_lifetime.count();
  RecordBuilder record("invitation");
  record.Add("id", invitation.id)
      .Add("role", RoleName(role))
      .Add("token-hash", auth::TokenHash(invitation.token))
      .Add("expires-hour", std::to_string(invitation.expires_at / 3600));
  records::Change change{EntryType::kInvitation, id, by, record.Finish(), std::nullopt};
  VIGIL_ASSIGN_OR_RETURN(auto committed, ledger_.Commit({std::move(change)}));
  invitation.log_index = committed.first_index;
  return invitation;
}

Result<Enrolment> Accounts::BeginEnrolment(std::string_view invitation_token) {
  if (!auth::IsWellFormedToken(invitation_token))
    return MakeError(Errc::kNotFound, "no such invitation");
  const std::string token_hash = auth::TokenHash(invitation_token);
  Enrolment enrolment;
  bool has_key = false;
  VIGIL_RETURN_IF_ERROR(db_.Read([&](Transaction& t) -> Status {
    VIGIL_ASSIGN_OR_RETURN(
        auto rows,
        t.Query("SELECT role FROM invitations WHERE token_hash = ? AND used_by IS NULL AND "
                "expires_hour >= ?",
                {token_hash, Now() / 3600}));
    if (rows.empty()) return MakeError(Errc::kNotFound, "no such invitation");
    enrolment.role = ParseRole(Str(rows[0][0])).value_or(Role::kCoordinator);
    VIGIL_ASSIGN_OR_RETURN(auto keys, t.Query("SELECT 1 FROM key_generations"));
    has_key = !keys.empty();
    return OkStatus();
  }));
  if (!has_key && enrolment.role != Role::kAdmin)
    return MakeError(Errc::kFailedPrecondition, "the first account must be an administrator");
  enrolment.creates_organisation_key = !has_key;
  enrolment.instance = instance_;
  Bytes seed = random_.Generate(auth::kTotpSeedSize);
  enrolment.totp_seed = seed;
  enrolment.otpauth_uri = auth::OtpauthUri(seed, options_.issuer, RoleName(enrolment.role));
  std::lock_guard lock(pending_mutex_);
  // Expired enrolments go first, so the map stays as small as the invitations in use.
  std::erase_if(pending_, [&](const auto& p) { return p.second.expires_at < Now(); });
  pending_[token_hash] = PendingEnrolment{seed, Now() + options_.enrolment_lifetime.count()};
  return enrolment;
}

Result<AccountInfo> Accounts::CreateAccount(const NewAccount& account) {
  if (!auth::IsWellFormedToken(account.invitation_token))
    return MakeError(Errc::kNotFound, "no such invitation");
  VIGIL_ASSIGN_OR_RETURN(std::string name, NormalizeLoginName(account.login_name));
  if (account.login_salt.size() != auth::kLoginSaltSize ||
      account.login_secret.size() != auth::kLoginSecretSize)
    return MakeError(Errc::kInvalidArgument, "bad login salt or secret size");
  VIGIL_RETURN_IF_ERROR(CheckRecipient(account.recipient));
  VIGIL_RETURN_IF_ERROR(CheckKeyFile(account.identity, "scrypt", "the identity"));
  const std::string token_hash = auth::TokenHash(account.invitation_token);
  Bytes seed;
  {
    std::lock_guard lock(pending_mutex_);
    auto it = pending_.find(token_hash);
    if (it == pending_.end() || it->second.expires_at < Now())
      return MakeError(Errc::kFailedPrecondition, "enrolment not started or expired");
    seed = it->second.seed;
  }
  if (!auth::MatchTotp(seed, account.totp_code, Now(), 0))
    return MakeError(Errc::kUnauthenticated, "the authenticator code is wrong");
  std::string verifier;
  {
    verifications_.acquire();
    auto hashed = crypto::Argon2idHashString(account.login_secret, options_.verifier_cost);
    verifications_.release();
    VIGIL_ASSIGN_OR_RETURN(verifier, std::move(hashed));
  }
  VIGIL_ASSIGN_OR_RETURN(Bytes sealed_seed, SealSeed(seed));

  std::lock_guard lock(commit_mutex_);
  std::string invitation_id;
  Role role = Role::kCoordinator;
  bool has_key = false;
  const std::string login_hash = LoginHash(name);
  VIGIL_RETURN_IF_ERROR(db_.Read([&](Transaction& t) -> Status {
    VIGIL_ASSIGN_OR_RETURN(
        auto rows,
        t.Query("SELECT id, role FROM invitations WHERE token_hash = ? AND used_by IS NULL AND "
                "expires_hour >= ?",
                {token_hash, Now() / 3600}));
    if (rows.empty()) return MakeError(Errc::kNotFound, "no such invitation");
    invitation_id = Str(rows[0][0]);
    role = ParseRole(Str(rows[0][1])).value_or(Role::kCoordinator);
    VIGIL_ASSIGN_OR_RETURN(auto taken,
                           t.Query("SELECT 1 FROM accounts WHERE login_hash = ?", {login_hash}));
    if (!taken.empty()) return MakeError(Errc::kAlreadyExists, "the login name is taken");
    VIGIL_ASSIGN_OR_RETURN(auto keys, t.Query("SELECT 1 FROM key_generations"));
    has_key = !keys.empty();
    return OkStatus();
  }));
  if (!has_key) {
    if (role != Role::kAdmin)
      return MakeError(Errc::kFailedPrecondition, "the first account must be an administrator");
    VIGIL_RETURN_IF_ERROR(CheckRecipient(account.organisation_recipient));
    VIGIL_RETURN_IF_ERROR(CheckKeyFile(account.organisation_wrap, "X25519", "the key wrap"));
  } else if (!account.organisation_recipient.empty() || !account.organisation_wrap.empty()) {
    return MakeError(Errc::kInvalidArgument, "the organisation key exists already");
  }

  translog::ObjectId id = NewId();
  const std::string account_id = IdText(id);
  translog::ActorId actor{};
  std::copy(id.begin(), id.end(), actor.begin());
  RecordBuilder record("account");
  record.Add("id", account_id)
      .Add("invitation", invitation_id)
      .Add("login-hash", login_hash)
      .Add("login-salt", HexEncode(account.login_salt))
      .Add("verifier", verifier)
      .Add("recipient", account.recipient);
  RecordBuilder totp("totp");
  totp.Add("account", account_id);
  std::vector<records::Change> changes;
  changes.push_back({EntryType::kAccount, id, actor, record.Finish(account.identity), {}});
  changes.push_back({EntryType::kAccount, NewId(), actor, totp.Finish(sealed_seed), {}});
  if (!has_key) {
    RecordBuilder key("organisation-key");
    key.Add("generation", "1").Add("recipient", account.organisation_recipient);
    RecordBuilder wrap("key-wrap");
    wrap.Add("generation", "1").Add("account", account_id);
    changes.push_back({EntryType::kKeyRotation, NewId(), actor, key.Finish(), {}});
    changes.push_back(
        {EntryType::kKeyRotation, NewId(), actor, wrap.Finish(account.organisation_wrap), {}});
  }
  VIGIL_ASSIGN_OR_RETURN(auto committed, ledger_.Commit(std::move(changes)));
  {
    std::lock_guard pending_lock(pending_mutex_);
    pending_.erase(token_hash);
  }
  AccountInfo info;
  info.id = account_id;
  info.role = role;
  info.recipient = account.recipient;
  info.created_hour = committed.entries.front().hour;
  info.log_index = committed.first_index;
  info.has_current_key = !has_key;
  return info;
}

Bytes Accounts::LoginSalt(std::string_view login_name) const {
  auto name = NormalizeLoginName(login_name);
  std::string login_hash = LoginHash(name ? *name : std::string(login_name));
  if (name) {
    Bytes salt;
    Status found = db_.Read([&](Transaction& t) -> Status {
      VIGIL_ASSIGN_OR_RETURN(auto rows, t.Query("SELECT login_salt FROM accounts WHERE "
                                                "login_hash = ? AND login_salt IS NOT NULL",
                                                {login_hash}));
      if (!rows.empty()) salt = BytesOf(rows[0][0]);
      return OkStatus();
    });
    if (found && !salt.empty()) return salt;
  }
  crypto::HmacSha256Tag made_up = crypto::HmacSha256(salt_key_, AsBytes(login_hash));
  return Bytes(made_up.begin(), made_up.begin() + auth::kLoginSaltSize);
}

Status Accounts::RecordFailure(const std::string& login_hash) {
  const std::int64_t now = Now();
  return db_.Write([&](Transaction& t) -> Status {
    VIGIL_ASSIGN_OR_RETURN(
        auto rows,
        t.Query("SELECT failures FROM login_failures WHERE login_hash = ?", {login_hash}));
    std::int64_t failures = rows.empty() ? 1 : std::get<std::int64_t>(rows[0][0]) + 1;
    const SessionPolicy policy = Policy();
    std::int64_t locked_until =
        failures >= policy.max_failed_logins ? now + policy.lockout.count() : 0;
    if (failures >= policy.max_failed_logins) failures = 0;  // a fresh count after the lock
    return t.Execute(
        "INSERT INTO login_failures (login_hash, failures, locked_until, updated_at) "
        "VALUES (?, ?, ?, ?) ON CONFLICT (login_hash) DO UPDATE SET failures = "
        "excluded.failures, locked_until = excluded.locked_until, updated_at = excluded.updated_at",
        {login_hash, failures, locked_until, now});
  });
}

Result<Session> Accounts::Login(std::string_view login_name, ByteSpan login_secret,
                                std::string_view totp_code) {
  auto name = NormalizeLoginName(login_name);
  if (!name || login_secret.size() != auth::kLoginSecretSize)
    return MakeError(Errc::kUnauthenticated, "wrong login name, passphrase or code");
  const std::string login_hash = LoginHash(*name);
  const std::int64_t now = Now();
  std::optional<store::Row> account;
  std::int64_t locked_until = 0;
  std::uint64_t last_step = 0;
  VIGIL_RETURN_IF_ERROR(db_.Read([&](Transaction& t) -> Status {
    VIGIL_ASSIGN_OR_RETURN(
        auto lock,
        t.Query("SELECT locked_until FROM login_failures WHERE login_hash = ?", {login_hash}));
    if (!lock.empty()) locked_until = std::get<std::int64_t>(lock[0][0]);
    VIGIL_ASSIGN_OR_RETURN(auto rows,
                           t.Query("SELECT a.id, a.role, a.verifier, s.seed FROM accounts a JOIN "
                                   "totp_seeds s ON s.account_id = a.id WHERE a.login_hash = ?",
                                   {login_hash}));
    if (!rows.empty()) account = rows[0];
    if (account) {
      VIGIL_ASSIGN_OR_RETURN(auto used, t.Query("SELECT last_step FROM totp_used WHERE "
                                                "account_id = ?",
                                                {Str((*account)[0])}));
      if (!used.empty()) last_step = U64(used[0][0]);
    }
    return OkStatus();
  }));
  if (locked_until > now)
    return MakeError(Errc::kResourceExhausted, std::to_string(locked_until - now));

  // The verifier runs for unknown names too (against a fixed hash), so the time taken tells
  // nothing about which names exist.
  static const std::string kDummyVerifier = [] {
    Bytes zero(auth::kLoginSecretSize, 0);
    return *crypto::Argon2idHashString(zero, AccountsOptions{}.verifier_cost);
  }();
  const bool known = account && ParseRole(Str((*account)[1])).has_value();
  verifications_.acquire();
  bool secret_ok =
      crypto::Argon2idVerifyString(known ? Str((*account)[2]) : kDummyVerifier, login_secret);
  verifications_.release();
  std::optional<std::uint64_t> step;
  if (known && secret_ok) {
    auto seed = OpenSeed(BytesOf((*account)[3]));
    if (!seed) return seed.error();
    step = auth::MatchTotp(*seed, totp_code, now, last_step);
  }
  if (!step) {
    VIGIL_RETURN_IF_ERROR(RecordFailure(login_hash));
    return MakeError(Errc::kUnauthenticated, "wrong login name, passphrase or code");
  }

  Session session;
  session.token = auth::NewToken(random_);
  session.principal.account_id = Str((*account)[0]);
  session.principal.actor = ActorOf(session.principal.account_id);
  session.principal.role = *ParseRole(Str((*account)[1]));
  session.expires_at = now + Policy().session_lifetime.count();
  // The login is an administrative action: a log entry with no blob, by the account.
  records::Change entry{EntryType::kLogin, NewId(), session.principal.actor, {}, std::nullopt};
  VIGIL_RETURN_IF_ERROR(ledger_.Commit({std::move(entry)}));
  Status signed_in = db_.Write([&](Transaction& t) -> Status {
    VIGIL_RETURN_IF_ERROR(
        t.Execute("DELETE FROM login_failures WHERE login_hash = ?", {login_hash}));
    VIGIL_RETURN_IF_ERROR(t.Execute(
        "INSERT INTO totp_used (account_id, last_step) VALUES (?, ?) ON CONFLICT (account_id) "
        "DO UPDATE SET last_step = excluded.last_step",
        {session.principal.account_id, I64(*step)}));
    return t.Execute(
        "INSERT INTO sessions (token_hash, account_id, created_at, last_seen_at) "
        "VALUES (?, ?, ?, ?)",
        {auth::TokenHash(session.token), session.principal.account_id, now, now});
  });
  VIGIL_RETURN_IF_ERROR(signed_in);
  return session;
}

Result<Principal> Accounts::Authenticate(std::string_view session_token) {
  if (!auth::IsWellFormedToken(session_token))
    return MakeError(Errc::kUnauthenticated, "no session");
  const std::string token_hash = auth::TokenHash(session_token);
  const std::int64_t now = Now();
  Principal principal;
  std::int64_t last_seen = 0;
  const SessionPolicy policy = Policy();
  VIGIL_RETURN_IF_ERROR(db_.Read([&](Transaction& t) -> Status {
    VIGIL_ASSIGN_OR_RETURN(
        auto rows,
        t.Query("SELECT s.account_id, a.role, s.created_at, s.last_seen_at FROM sessions s JOIN "
                "accounts a ON a.id = s.account_id WHERE s.token_hash = ?",
                {token_hash}));
    auto role = rows.empty() ? std::nullopt : ParseRole(Str(rows[0][1]));
    if (!role || std::get<std::int64_t>(rows[0][2]) + policy.session_lifetime.count() <= now ||
        std::get<std::int64_t>(rows[0][3]) + policy.session_idle.count() <= now)
      return MakeError(Errc::kUnauthenticated, "no session, or it timed out");
    principal.account_id = Str(rows[0][0]);
    principal.actor = ActorOf(principal.account_id);
    principal.role = *role;
    last_seen = std::get<std::int64_t>(rows[0][3]);
    return OkStatus();
  }));
  // The idle clock restarts at most once a minute: one write per minute per session.
  if (now - last_seen >= 60)
    VIGIL_RETURN_IF_ERROR(db_.Write([&](Transaction& t) {
      return t.Execute("UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?",
                       {now, token_hash});
    }));
  return principal;
}

Status Accounts::Logout(std::string_view session_token) {
  if (!auth::IsWellFormedToken(session_token)) return OkStatus();
  return db_.Write([&](Transaction& t) {
    return t.Execute("DELETE FROM sessions WHERE token_hash = ?", {auth::TokenHash(session_token)});
  });
}

Result<std::string> Accounts::CreateReadToken(Role role, const Principal& by) {
  if (by.role != Role::kAdmin) return MakeError(Errc::kPermissionDenied, "administrators only");
  if (role != Role::kMirror && role != Role::kAuditor)
    return MakeError(Errc::kInvalidArgument, "read tokens are for mirrors and auditors");
  std::string token = auth::NewToken(random_);
  translog::ObjectId id = NewId();
  RecordBuilder record("read-token");
  record.Add("id", IdText(id))
      .Add("role", RoleName(role))
      .Add("token-hash", auth::TokenHash(token));
  VIGIL_RETURN_IF_ERROR(
      ledger_.Commit({{EntryType::kAccount, id, by.actor, record.Finish(), std::nullopt}}));
  return token;
}

Result<Principal> Accounts::AuthenticateReadToken(std::string_view token) const {
  if (!auth::IsWellFormedToken(token)) return MakeError(Errc::kUnauthenticated, "bad token");
  Principal principal;
  VIGIL_RETURN_IF_ERROR(db_.Read([&](Transaction& t) -> Status {
    VIGIL_ASSIGN_OR_RETURN(auto rows, t.Query("SELECT id, role FROM accounts WHERE token_hash = ?",
                                              {auth::TokenHash(token)}));
    auto role = rows.empty() ? std::nullopt : ParseRole(Str(rows[0][1]));
    if (!role) return MakeError(Errc::kUnauthenticated, "bad token");
    principal.account_id = Str(rows[0][0]);
    principal.actor = ActorOf(principal.account_id);
    principal.role = *role;
    return OkStatus();
  }));
  return principal;
}

Result<std::vector<AccountInfo>> Accounts::List() const {
  std::vector<AccountInfo> out;
  VIGIL_RETURN_IF_ERROR(db_.Read([&](Transaction& t) -> Status {
    VIGIL_ASSIGN_OR_RETURN(auto rows, t.Query(std::string(kInfoColumns) + "ORDER BY a.log_index"));
    for (const auto& r : rows) out.push_back(InfoOf(r));
    return OkStatus();
  }));
  return out;
}

Result<MemberKeys> Accounts::KeysOf(std::string_view account_id) const {
  VIGIL_RETURN_IF_ERROR(records::ParseId(account_id));
  MemberKeys keys;
  const std::string id(account_id);
  VIGIL_RETURN_IF_ERROR(db_.Read([&](Transaction& t) -> Status {
    VIGIL_ASSIGN_OR_RETURN(auto rows, t.Query(std::string(kInfoColumns) + "WHERE a.id = ?", {id}));
    if (rows.empty()) return MakeError(Errc::kNotFound, "no such account");
    keys.account = InfoOf(rows[0]);
    VIGIL_ASSIGN_OR_RETURN(auto identity,
                           t.Query("SELECT identity FROM accounts WHERE id = ?", {id}));
    if (!IsNull(identity[0][0])) keys.identity = BytesOf(identity[0][0]);
    VIGIL_ASSIGN_OR_RETURN(
        auto generations,
        t.Query("SELECT generation, recipient, previous, log_index FROM key_generations "
                "ORDER BY generation"));
    for (const auto& g : generations)
      keys.generations.push_back(
          {U64(g[0]), Str(g[1]), IsNull(g[2]) ? Bytes{} : BytesOf(g[2]), U64(g[3])});
    VIGIL_ASSIGN_OR_RETURN(auto wraps, t.Query("SELECT generation, wrap FROM key_wraps WHERE "
                                               "account_id = ? ORDER BY generation",
                                               {id}));
    for (const auto& w : wraps) keys.wraps.emplace_back(U64(w[0]), BytesOf(w[1]));
    return OkStatus();
  }));
  return keys;
}

Status Accounts::ChangeRole(std::string_view account_id, std::optional<Role> role,
                            const Principal& by) {
  if (by.role != Role::kAdmin) return MakeError(Errc::kPermissionDenied, "administrators only");
  VIGIL_RETURN_IF_ERROR(records::ParseId(account_id));
  std::lock_guard lock(commit_mutex_);
  VIGIL_RETURN_IF_ERROR(db_.Read([&](Transaction& t) -> Status {
    VIGIL_ASSIGN_OR_RETURN(auto rows, t.Query("SELECT role, login_hash FROM accounts WHERE id = ?",
                                              {std::string(account_id)}));
    if (rows.empty() || !ParseRole(Str(rows[0][0])))
      return MakeError(Errc::kNotFound, "no such account");
    // A read token has no login; it can be revoked, not turned into staff.
    if (IsNull(rows[0][1]) && role.has_value())
      return MakeError(Errc::kInvalidArgument, "a read token's role cannot change");
    if (Str(rows[0][0]) == "admin" && role != Role::kAdmin) {
      VIGIL_ASSIGN_OR_RETURN(auto admins,
                             t.Query("SELECT COUNT(*) FROM accounts WHERE role = 'admin'"));
      if (U64(admins[0][0]) <= 1)
        return MakeError(Errc::kFailedPrecondition, "the last administrator must stay");
    }
    return OkStatus();
  }));
  RecordBuilder record("role-change");
  record.Add("account", std::string(account_id)).Add("role", role ? RoleName(*role) : "none");
  VIGIL_RETURN_IF_ERROR(
      ledger_.Commit({{EntryType::kRoleChange, NewId(), by.actor, record.Finish(), std::nullopt}}));
  return OkStatus();
}

Result<KeyGeneration> Accounts::CurrentKey() const {
  KeyGeneration key;
  VIGIL_RETURN_IF_ERROR(db_.Read([&](Transaction& t) -> Status {
    VIGIL_ASSIGN_OR_RETURN(auto rows,
                           t.Query("SELECT generation, recipient, log_index FROM key_generations "
                                   "ORDER BY generation DESC LIMIT 1"));
    if (rows.empty()) return MakeError(Errc::kNotFound, "no organisation key yet");
    key.generation = U64(rows[0][0]);
    key.recipient = Str(rows[0][1]);
    key.log_index = U64(rows[0][2]);
    return OkStatus();
  }));
  return key;
}

Result<KeyGeneration> Accounts::RotateKey(const NewKeyGeneration& key, const Principal& by) {
  if (by.role != Role::kAdmin) return MakeError(Errc::kPermissionDenied, "administrators only");
  VIGIL_RETURN_IF_ERROR(CheckRecipient(key.recipient));
  VIGIL_RETURN_IF_ERROR(CheckKeyFile(key.previous, "X25519", "the previous key"));
  for (const auto& [account, wrap] : key.wraps)
    VIGIL_RETURN_IF_ERROR(CheckKeyFile(wrap, "X25519", "a key wrap"));
  std::lock_guard lock(commit_mutex_);
  VIGIL_ASSIGN_OR_RETURN(KeyGeneration current, CurrentKey());
  VIGIL_ASSIGN_OR_RETURN(auto members, List());
  std::set<std::string> holders, wrapped;
  for (const auto& m : members)
    if (m.active && HoldsOrganisationKey(m.role)) holders.insert(m.id);
  for (const auto& [account, wrap] : key.wraps)
    if (!wrapped.insert(account).second)
      return MakeError(Errc::kInvalidArgument, "two wraps for one account");
  if (holders != wrapped)
    return MakeError(Errc::kInvalidArgument,
                     "the new key must be wrapped to every active administrator and coordinator, "
                     "and no one else");
  const std::string generation = std::to_string(current.generation + 1);
  RecordBuilder record("organisation-key");
  record.Add("generation", generation).Add("recipient", key.recipient);
  std::vector<records::Change> changes;
  changes.push_back({EntryType::kKeyRotation, NewId(), by.actor, record.Finish(key.previous), {}});
  for (const auto& [account, wrap] : key.wraps) {
    RecordBuilder w("key-wrap");
    w.Add("generation", generation).Add("account", account);
    changes.push_back({EntryType::kKeyRotation, NewId(), by.actor, w.Finish(wrap), {}});
  }
  VIGIL_ASSIGN_OR_RETURN(auto committed, ledger_.Commit(std::move(changes)));
  return KeyGeneration{current.generation + 1, key.recipient, key.previous, committed.first_index};
}

Status Accounts::AddWrap(std::string_view account_id, ByteSpan wrap, const Principal& by) {
  if (!HoldsOrganisationKey(by.role))
    return MakeError(Errc::kPermissionDenied, "only key holders can wrap the key");
  if (by.account_id == account_id)
    return MakeError(Errc::kPermissionDenied, "another key holder must wrap the key for you");
  VIGIL_RETURN_IF_ERROR(CheckKeyFile(wrap, "X25519", "the key wrap"));
  std::lock_guard lock(commit_mutex_);
  VIGIL_ASSIGN_OR_RETURN(KeyGeneration current, CurrentKey());
  VIGIL_ASSIGN_OR_RETURN(MemberKeys target, KeysOf(account_id));
  if (!target.account.active || !HoldsOrganisationKey(target.account.role))
    return MakeError(Errc::kFailedPrecondition, "the account does not hold the key");
  if (target.account.has_current_key)
    return MakeError(Errc::kAlreadyExists, "the account has the current key already");
  RecordBuilder w("key-wrap");
  w.Add("generation", std::to_string(current.generation)).Add("account", std::string(account_id));
  VIGIL_RETURN_IF_ERROR(
      ledger_.Commit({{EntryType::kKeyRotation, NewId(), by.actor, w.Finish(wrap), {}}}));
  return OkStatus();
}

Status Accounts::StoreRecoveryShares(std::uint32_t threshold,
                                     const std::vector<RecoveryShare>& shares,
                                     const Principal& by) {
  if (by.role != Role::kAdmin) return MakeError(Errc::kPermissionDenied, "administrators only");
  if (threshold < 2 || shares.size() < threshold || shares.size() > 255)
    return MakeError(Errc::kInvalidArgument, "recovery needs 2 <= k <= n <= 255 shares");
  VIGIL_ASSIGN_OR_RETURN(KeyGeneration current, CurrentKey());
  std::set<std::uint32_t> indexes;
  for (const auto& s : shares) {
    if (s.index < 1 || s.index > 255 || !indexes.insert(s.index).second)
      return MakeError(Errc::kInvalidArgument, "share indexes are distinct, 1 to 255");
    VIGIL_RETURN_IF_ERROR(CheckKeyFile(s.share, "X25519", "a share"));
    VIGIL_ASSIGN_OR_RETURN(MemberKeys holder, KeysOf(s.holder));
    if (!holder.account.active || holder.account.recipient.empty())
      return MakeError(Errc::kInvalidArgument, "a share holder is not an active member");
  }
  std::vector<records::Change> changes;
  for (const auto& s : shares) {
    translog::ObjectId id = NewId();
    RecordBuilder r("recovery-share");
    r.Add("id", IdText(id))
        .Add("generation", std::to_string(current.generation))
        .Add("holder", s.holder)
        .Add("index", std::to_string(s.index))
        .Add("threshold", std::to_string(threshold))
        .Add("count", std::to_string(shares.size()));
    changes.push_back({EntryType::kRecoveryShare, id, by.actor, r.Finish(s.share), {}});
  }
  VIGIL_RETURN_IF_ERROR(ledger_.Commit(std::move(changes)));
  return OkStatus();
}

Result<std::vector<RecoveryShareInfo>> Accounts::RecoverySharesOf(
    std::string_view account_id) const {
  VIGIL_RETURN_IF_ERROR(records::ParseId(account_id));
  std::vector<RecoveryShareInfo> out;
  VIGIL_RETURN_IF_ERROR(db_.Read([&](Transaction& t) -> Status {
    VIGIL_ASSIGN_OR_RETURN(
        auto rows, t.Query("SELECT id, generation, share_index, threshold, share_count, share "
                           "FROM recovery_shares WHERE holder = ? ORDER BY log_index",
                           {std::string(account_id)}));
    for (const auto& r : rows)
      out.push_back({Str(r[0]), U64(r[1]), U32(r[2]), U32(r[3]), U32(r[4]), BytesOf(r[5])});
    return OkStatus();
  }));
  return out;
}

SessionPolicy Accounts::Policy() const {
  if (options_.policy) return options_.policy();
  return {options_.session_idle, options_.session_lifetime, options_.max_failed_logins,
          options_.lockout};
}

Status Accounts::Sweep() {
  const std::int64_t now = Now();
  const SessionPolicy policy = Policy();
  return db_.Write([&](Transaction& t) -> Status {
    VIGIL_RETURN_IF_ERROR(
        t.Execute("DELETE FROM sessions WHERE created_at <= ? OR last_seen_at <= ?",
                  {now - policy.session_lifetime.count(), now - policy.session_idle.count()}));
    return t.Execute("DELETE FROM login_failures WHERE locked_until <= ? AND updated_at <= ?",
                     {now, now - policy.lockout.count()});
  });
}

}  // namespace vigil::accounts
