// Staff accounts and the organisation's keys: invitations, enrolment with TOTP, login and
// sessions, roles, the organisation key's generations and their wrappings, recovery shares and
// read tokens. Every change is a record and a log entry (docs/formats/records.md, "Accounts and
// keys"); sessions, failed-login counters and used TOTP steps are ephemeral state of the
// database alone (a rebuild signs everyone out). The server holds only public keys, age files
// it cannot open (identities, wrappings, shares), Argon2id verifiers of login secrets, and TOTP
// seeds age-encrypted to the instance's server key (DESIGN.md section 3).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <semaphore>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/clock.h"
#include "base/error.h"
#include "base/random.h"
#include "crypto/age/x25519_recipient.h"
#include "crypto/argon2.h"
#include "records/ledger.h"
#include "store/database.h"

namespace vigil::accounts {

// An editor changes the public tracker data only (issue 8); it holds no organisation key.
enum class Role { kAdmin, kCoordinator, kAuditor, kMirror, kEditor };
std::string_view RoleName(Role role);  // "admin", "coordinator", "auditor", "mirror", "editor"
std::optional<Role> ParseRole(std::string_view name);
// Admins and coordinators hold the organisation key and work on reports.
bool HoldsOrganisationKey(Role role);

// The session and lock-out values an administrator may change while vigild runs.
struct SessionPolicy {
  std::chrono::seconds session_idle{30 * 60};
  std::chrono::seconds session_lifetime{12 * 3600};
  int max_failed_logins = 5;  // then the login name is locked for `lockout`
  std::chrono::seconds lockout{15 * 60};
};

struct AccountsOptions {
  // The server's own Argon2id over login secrets (which are already Argon2id outputs).
  crypto::Argon2Params verifier_cost{2, 19 * 1024};
  std::chrono::seconds session_idle{30 * 60};
  std::chrono::seconds session_lifetime{12 * 3600};
  int max_failed_logins = 5;  // then the login name is locked for `lockout`
  std::chrono::seconds lockout{15 * 60};
  std::chrono::seconds invitation_lifetime{72 * 3600};
  std::chrono::seconds enrolment_lifetime{30 * 60};
  std::ptrdiff_t concurrent_verifications = 4;  // Argon2id runs at once (memory bound)
  std::string issuer = "Vigil";                 // shown by authenticator apps
  // When set, the four values above come from it at each use (the instance settings,
  // src/settings), so that a change applies to every session at once. Must be thread-safe.
  std::function<SessionPolicy()> policy;
};

struct Invitation {
  std::string id;
  std::string token;  // shown once, in the link; the server keeps its hash
  Role role = Role::kCoordinator;
  std::int64_t expires_at = 0;  // unix seconds
  std::uint64_t log_index = 0;
};

// What a person holding an invitation needs to create their account.
struct Enrolment {
  Role role = Role::kCoordinator;
  Bytes totp_seed;                        // shown once (Base32) for the authenticator app
  std::string otpauth_uri;                // the same, as a link for a QR code
  bool creates_organisation_key = false;  // the first administrator makes the key
  std::string instance;                   // the log origin
};

struct NewAccount {
  std::string invitation_token;
  std::string login_name;
  Bytes login_salt;       // 16 random bytes chosen by the browser
  Bytes login_secret;     // 32 bytes (docs/formats/derivation.md)
  std::string recipient;  // the member's age recipient
  Bytes identity;         // their age identity, encrypted with their passphrase (scrypt)
  std::string totp_code;  // proves the authenticator holds the enrolment's seed
  // The first administrator only: the new organisation key's recipient and its identity
  // encrypted to `recipient`.
  std::string organisation_recipient;
  Bytes organisation_wrap;
};

struct AccountInfo {
  std::string id;
  Role role = Role::kCoordinator;
  bool active = true;  // false once removed
  std::string recipient;
  std::uint32_t created_hour = 0;
  std::uint64_t log_index = 0;
  bool has_current_key = false;  // a wrap of the current organisation key exists for it
};

struct KeyGeneration {
  std::uint64_t generation = 0;
  std::string recipient;
  Bytes previous;  // the previous identity encrypted to this one (empty for generation 1)
  std::uint64_t log_index = 0;
};

// Everything a signed-in member's browser needs to unlock: their identity and every wrap of an
// organisation key addressed to them.
struct MemberKeys {
  AccountInfo account;
  Bytes identity;
  std::vector<KeyGeneration> generations;              // all, oldest first
  std::vector<std::pair<std::uint64_t, Bytes>> wraps;  // generation, wrap
};

struct NewKeyGeneration {
  std::string recipient;
  Bytes previous;                                    // old identity, to the new recipient
  std::vector<std::pair<std::string, Bytes>> wraps;  // account id, wrap (one per key holder)
};

struct RecoveryShare {
  std::string holder;  // account id
  std::uint32_t index = 0;
  Bytes share;  // age file to the holder
};

struct RecoveryShareInfo {
  std::string id;
  std::uint64_t generation = 0;
  std::uint32_t index = 0, threshold = 0, count = 0;
  Bytes share;
};

// A signed-in staff member or read token.
struct Principal {
  std::string account_id;
  translog::ActorId actor{};
  Role role = Role::kCoordinator;
};

struct Session {
  std::string token;  // the cookie value; the server keeps its hash
  Principal principal;
  std::int64_t expires_at = 0;  // absolute end, unix seconds
};

// Thread-safe.
class Accounts {
 public:
  // `server_identity` decrypts TOTP seeds; null where no login happens (vigil rebuild, which
  // needs only the appliers). Everything must outlive the object.
  Accounts(records::Ledger& ledger, store::Database& db, Random& random, const Clock& clock,
           const age::X25519Identity* server_identity, std::string instance,
           AccountsOptions options = {});

  // An invitation to a role; `by` is the inviting administrator (zero for `vigil init`).
  Result<Invitation> Invite(Role role, const translog::ActorId& by);
  // Starts enrolment: a fresh TOTP seed kept in memory for `enrolment_lifetime`. kNotFound for
  // an unknown, used or expired invitation.
  Result<Enrolment> BeginEnrolment(std::string_view invitation_token);
  // Creates the account (and, for the first administrator, organisation key generation 1).
  // kNotFound: bad invitation; kUnauthenticated: wrong TOTP code; kAlreadyExists: login name
  // taken; kInvalidArgument/kMalformed: bad fields or age files.
  Result<AccountInfo> CreateAccount(const NewAccount& account);

  // The login salt of a name: the account's, or a stable made-up one (no enumeration).
  Bytes LoginSalt(std::string_view login_name) const;
  // kUnauthenticated for a wrong name, secret or code (one answer for all three);
  // kResourceExhausted while the name is locked out (the seconds left in the detail).
  Result<Session> Login(std::string_view login_name, ByteSpan login_secret,
                        std::string_view totp_code);
  // The principal of a session token, refreshing its idle time-out; kUnauthenticated when
  // unknown or timed out.
  Result<Principal> Authenticate(std::string_view session_token);
  Status Logout(std::string_view session_token);
  // A read token (mirror or auditor), shown once.
  Result<std::string> CreateReadToken(Role role, const Principal& by);
  Result<Principal> AuthenticateReadToken(std::string_view token) const;

  Result<std::vector<AccountInfo>> List() const;
  Result<MemberKeys> KeysOf(std::string_view account_id) const;
  // Changes a role, or removes the account (nullopt). Removing signs the account out. The last
  // administrator cannot be removed or demoted (kFailedPrecondition).
  Status ChangeRole(std::string_view account_id, std::optional<Role> role, const Principal& by);

  // The current organisation key (public): kNotFound before the first administrator exists.
  Result<KeyGeneration> CurrentKey() const;
  // A new generation, wrapped to every active admin and coordinator (kInvalidArgument when the
  // wraps name anyone else or leave one out).
  Result<KeyGeneration> RotateKey(const NewKeyGeneration& key, const Principal& by);
  // Wraps the current key to a member who has none yet.
  Status AddWrap(std::string_view account_id, ByteSpan wrap, const Principal& by);
  // k-of-n shares of the current key, each to its holder; replaces no earlier set.
  Status StoreRecoveryShares(std::uint32_t threshold, const std::vector<RecoveryShare>& shares,
                             const Principal& by);
  Result<std::vector<RecoveryShareInfo>> RecoverySharesOf(std::string_view account_id) const;

  // Sessions and failed-login counters older than they can matter are deleted.
  Status Sweep();

 private:
  struct PendingEnrolment {
    Bytes seed;
    std::int64_t expires_at = 0;
  };
  std::int64_t Now() const;
  translog::ObjectId NewId();
  Result<Bytes> SealSeed(ByteSpan seed);
  Result<Bytes> OpenSeed(ByteSpan sealed) const;
  Status RecordFailure(const std::string& login_hash);
  SessionPolicy Policy() const;

  records::Ledger& ledger_;
  store::Database& db_;
  Random& random_;
  const Clock& clock_;
  const age::X25519Identity* server_identity_;
  std::string instance_;
  AccountsOptions options_;
  Bytes salt_key_;  // keys the made-up login salts
  std::counting_semaphore<> verifications_;
  // Serialises the checks that must hold when a change is committed (one use of an invitation,
  // one account per login name, the last administrator).
  std::mutex commit_mutex_;
  std::mutex pending_mutex_;
  std::map<std::string, PendingEnrolment> pending_;  // by invitation token hash
};

}  // namespace vigil::accounts
