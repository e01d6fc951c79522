// The accounts and keys resources (docs/api/openapi.yaml, "accounts"): the instance's public
// facts, enrolment from an invitation, sign-in with a passphrase-derived secret and TOTP,
// sessions in cookies, roles, the organisation key's generations and wraps, recovery shares
// and read tokens. Everything the server returns about keys is public or an age file it
// cannot open.
#pragma once

#include <boost/asio/thread_pool.hpp>
#include <string>

#include "accounts/accounts.h"
#include "http/server.h"
#include "settings/settings.h"

namespace vigil::api {

inline constexpr char kSessionCookie[] = "vigil_session";

struct AccountRouteDeps {
  accounts::Accounts* accounts;
  boost::asio::thread_pool* pool;
  std::string instance;  // the log origin, for the derivations of docs/formats/derivation.md
  std::int64_t session_lifetime_seconds = 12 * 3600;
  // The instance settings, when present: /v1/instance shows the organisation's name and
  // contact, and the session cookie lives as long as the session_hours in force.
  const settings::Settings* settings = nullptr;
};

// Adds /v1/instance, /v1/enrolments, /v1/accounts, /v1/login-salts, /v1/sessions,
// /v1/invitations, /v1/keys, /v1/recovery-shares and /v1/read-tokens. `deps` must outlive the
// server.
void AddAccountRoutes(http::Server& server, AccountRouteDeps deps);

// The signed-in principal of a request: its session cookie, or for read tokens an
// `Authorization: Bearer` header. kUnauthenticated when neither is valid.
Result<accounts::Principal> RequestPrincipal(accounts::Accounts& accounts,
                                             const http::RequestContext& ctx);

}  // namespace vigil::api
