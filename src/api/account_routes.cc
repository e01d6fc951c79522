#include "api/account_routes.h"

#include <boost/json.hpp>

#include "api/json.h"
#include "api/responses.h"
#include "base/base32.h"
#include "base/base64.h"
#include "base/hex.h"
#include "http/request_parts.h"

namespace vigil::api {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;
using accounts::Principal;
using accounts::Role;
using http::HttpStatus;
using http::RequestContext;
using http::Response;

constexpr std::size_t kMaxWraps = 256;

std::string B64(ByteSpan bytes) { return Base64Encode(bytes); }

Response Created(const json::object& body) {
  return Response::Json(json::serialize(body), HttpStatus::created);
}

Response NoContent() {
  Response r;
  r.status = HttpStatus::no_content;
  return r;
}

Response SessionCookie(Response r, std::string_view token, std::int64_t max_age) {
  // HttpOnly: no script reads it; Secure: never sent in the clear (browsers treat loopback
  // and .onion as secure); SameSite=Strict: no other site can make the browser send it.
  r.headers.set("Set-Cookie", std::string(kSessionCookie) + "=" + std::string(token) +
                                  "; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age=" +
                                  std::to_string(max_age));
  return r;
}

json::object AccountJson(const accounts::AccountInfo& a) {
  return json::object{{"id", a.id},
                      {"role", a.active ? RoleName(a.role) : "none"},
                      {"recipient", a.recipient},
                      {"created_hour", a.created_hour},
                      {"log_index", a.log_index},
                      {"has_current_key", a.has_current_key}};
}

Result<Role> RoleField(const JsonObject& o) {
  VIGIL_ASSIGN_OR_RETURN(std::string_view name, o.String("role"));
  auto role = accounts::ParseRole(name);
  if (!role) return MakeError(Errc::kInvalidArgument, "field role: unknown role");
  return *role;
}

// Reads the body, then runs `work(body)` on the blocking pool.
template <typename Work>
asio::awaitable<Response> WithBody(RequestContext& ctx, asio::thread_pool& pool, Work work) {
  auto body = co_await ctx.ReadBody();
  if (!body) co_return ErrorResponse(body.error(), ctx.request_id());
  auto job = [work = std::move(work), text = std::move(*body)]() { return work(text); };
  co_return co_await Offload(pool, std::move(job));
}

// The shape of every route that needs a signed-in principal: the check, then `work`.
template <typename Work>
asio::awaitable<Response> AsPrincipal(const AccountRouteDeps& d, RequestContext& ctx, Work work) {
  auto who = RequestPrincipal(*d.accounts, ctx);
  if (!who) co_return ErrorResponse(who.error(), ctx.request_id());
  // Named before co_await: a temporary capturing lambda there is freed twice by GCC 12
  // (bug 107288).
  auto as_who = [work = std::move(work), who = *who](const std::string& text) {
    return work(who, text);
  };
  co_return co_await WithBody(ctx, *d.pool, std::move(as_who));
}

Response Unauthenticated() {
  return Response::Error(HttpStatus::unauthorized, "invalid_credentials",
                         "The login name, passphrase or code is wrong.");
}

}  // namespace

Result<Principal> RequestPrincipal(accounts::Accounts& accounts, const RequestContext& ctx) {
  std::string_view auth = ctx.Header("Authorization");
  if (auth.starts_with("Bearer ")) return accounts.AuthenticateReadToken(auth.substr(7));
  std::string_view token = http::CookieValue(ctx.Header("Cookie"), kSessionCookie);
  if (token.empty()) return MakeError(Errc::kUnauthenticated, "no session");
  return accounts.Authenticate(token);
}

void AddAccountRoutes(http::Server& server, AccountRouteDeps deps) {
  auto d = std::make_shared<AccountRouteDeps>(std::move(deps));

  server.Route(
      http::Verb::get, "/v1/instance", [d](RequestContext& ctx) -> asio::awaitable<Response> {
        std::string rid = ctx.request_id();
        auto work = [d, rid]() {
          json::object out{{"log_origin", d->instance}};
          if (d->settings) {
            // Public: what a reporter page shows of who runs the instance, and the small-cell
            // threshold published statistics must meet.
            std::shared_ptr<const settings::InstanceSettings> now = d->settings->Current();
            out["organisation_name"] = now->organisation_name;
            out["reporter_contact"] = now->reporter_contact;
            out["statistics_min_cell"] = now->statistics_min_cell;
          }
          auto key = d->accounts->CurrentKey();
          if (key)
            out["organisation_key"] =
                json::object{{"generation", key->generation}, {"recipient", key->recipient}};
          else if (key.error().code == Errc::kNotFound)
            out["organisation_key"] = nullptr;
          else
            return ErrorResponse(key.error(), rid);
          return Response::Json(json::serialize(out));
        };
        co_return co_await Offload(*d->pool, std::move(work));
      });

  server.Route(
      http::Verb::post, "/v1/enrolments", [d](RequestContext& ctx) -> asio::awaitable<Response> {
        std::string rid = ctx.request_id();
        auto work = [d, rid](const std::string& text) {
          auto o = JsonObject::Parse(text, {"invitation_token"});
          if (!o) return ErrorResponse(o.error(), rid);
          auto token = o->String("invitation_token");
          if (!token) return ErrorResponse(token.error(), rid);
          auto e = d->accounts->BeginEnrolment(*token);
          if (!e) return ErrorResponse(e.error(), rid);
          return Created(json::object{{"role", RoleName(e->role)},
                                      {"totp_secret", Base32Encode(e->totp_seed)},
                                      {"otpauth_uri", e->otpauth_uri},
                                      {"creates_organisation_key", e->creates_organisation_key},
                                      {"instance", e->instance}});
        };
        co_return co_await WithBody(ctx, *d->pool, std::move(work));
      });

  server.Route(
      http::Verb::post, "/v1/accounts", [d](RequestContext& ctx) -> asio::awaitable<Response> {
        std::string rid = ctx.request_id();
        auto work = [d, rid](const std::string& text) {
          auto o = JsonObject::Parse(
              text, {"invitation_token", "login_name", "login_salt", "login_secret", "recipient",
                     "identity", "totp_code", "organisation_recipient", "organisation_wrap"});
          if (!o) return ErrorResponse(o.error(), rid);
          accounts::NewAccount a;
          auto token = o->String("invitation_token");
          auto name = o->String("login_name");
          auto salt = o->Hex("login_salt", 16);
          auto secret = o->Base64("login_secret");
          auto recipient = o->String("recipient");
          auto identity = o->Base64("identity");
          auto code = o->String("totp_code");
          auto org_recipient = o->OptionalString("organisation_recipient");
          auto org_wrap = o->OptionalString("organisation_wrap");
          if (Status s = FirstError(token, name, salt, secret, recipient, identity, code,
                                    org_recipient, org_wrap);
              !s)
            return ErrorResponse(s.error(), rid);
          a.invitation_token = std::string(*token);
          a.login_name = std::string(*name);
          a.login_salt = std::move(*salt);
          a.login_secret = std::move(*secret);
          a.recipient = std::string(*recipient);
          a.identity = std::move(*identity);
          a.totp_code = std::string(*code);
          a.organisation_recipient = std::string(*org_recipient);
          if (!org_wrap->empty()) {
            auto wrap = o->Base64("organisation_wrap");
            if (!wrap) return ErrorResponse(wrap.error(), rid);
            a.organisation_wrap = std::move(*wrap);
          }
          auto info = d->accounts->CreateAccount(a);
          if (!info && info.error().code == Errc::kAlreadyExists)
            return Response::Error(HttpStatus::conflict, "login_name_taken",
                                   "This login name is taken; choose another.");
          if (!info && info.error().code == Errc::kUnauthenticated)
            return Response::Error(HttpStatus::unauthorized, "invalid_totp_code",
                                   "The authenticator code is wrong; check the device's clock.");
          if (!info && info.error().code == Errc::kFailedPrecondition)
            return Response::Error(HttpStatus::conflict, "enrolment_expired",
                                   "Start again from the invitation link.");
          if (!info) return ErrorResponse(info.error(), rid);
          return Created(AccountJson(*info));
        };
        co_return co_await WithBody(ctx, *d->pool, std::move(work));
      });

  server.Route(http::Verb::post, "/v1/login-salts",
               [d](RequestContext& ctx) -> asio::awaitable<Response> {
                 std::string rid = ctx.request_id();
                 auto work = [d, rid](const std::string& text) {
                   auto o = JsonObject::Parse(text, {"login_name"});
                   if (!o) return ErrorResponse(o.error(), rid);
                   auto name = o->String("login_name");
                   if (!name) return ErrorResponse(name.error(), rid);
                   return Response::Json(json::serialize(
                       json::object{{"login_salt", HexEncode(d->accounts->LoginSalt(*name))}}));
                 };
                 co_return co_await WithBody(ctx, *d->pool, std::move(work));
               });

  server.Route(
      http::Verb::post, "/v1/sessions", [d](RequestContext& ctx) -> asio::awaitable<Response> {
        std::string rid = ctx.request_id();
        auto work = [d, rid](const std::string& text) {
          auto o = JsonObject::Parse(text, {"login_name", "login_secret", "totp_code"});
          if (!o) return ErrorResponse(o.error(), rid);
          auto name = o->String("login_name");
          auto secret = o->Base64("login_secret");
          auto code = o->String("totp_code");
          if (!name || !secret || !code) return Unauthenticated();
          auto session = d->accounts->Login(*name, *secret, *code);
          if (!session && session.error().code == Errc::kResourceExhausted) {
            Response r = Response::Error(HttpStatus::too_many_requests, "locked_out",
                                         "Too many failed attempts; wait and try again.");
            r.headers.set("Retry-After", session.error().detail);
            return r;
          }
          if (!session && session.error().code == Errc::kUnauthenticated) return Unauthenticated();
          if (!session) return ErrorResponse(session.error(), rid);
          return SessionCookie(Created(json::object{{"account_id", session->principal.account_id},
                                                    {"role", RoleName(session->principal.role)},
                                                    {"expires_at", session->expires_at}}),
                               session->token,
                               d->settings ? d->settings->Current()->session_hours * 3600
                                           : d->session_lifetime_seconds);
        };
        co_return co_await WithBody(ctx, *d->pool, std::move(work));
      });

  server.Route(http::Verb::get, "/v1/sessions/current",
               [d](RequestContext& ctx) -> asio::awaitable<Response> {
                 auto work = [](const Principal& who, const std::string&) {
                   return Response::Json(json::serialize(
                       json::object{{"account_id", who.account_id}, {"role", RoleName(who.role)}}));
                 };
                 co_return co_await AsPrincipal(*d, ctx, std::move(work));
               });

  server.Route(http::Verb::delete_, "/v1/sessions/current",
               [d](RequestContext& ctx) -> asio::awaitable<Response> {
                 std::string token(http::CookieValue(ctx.Header("Cookie"), kSessionCookie));
                 std::string rid = ctx.request_id();
                 auto work = [d, token, rid]() {
                   if (auto out = d->accounts->Logout(token); !out)
                     return ErrorResponse(out.error(), rid);
                   return SessionCookie(NoContent(), "", 0);
                 };
                 co_return co_await Offload(*d->pool, std::move(work));
               });

  server.Route(
      http::Verb::get, "/v1/accounts", [d](RequestContext& ctx) -> asio::awaitable<Response> {
        std::string rid = ctx.request_id();
        auto work = [d, rid](const Principal& who, const std::string&) {
          if (who.role != Role::kAdmin)
            return ErrorResponse(MakeError(Errc::kPermissionDenied, ""), rid);
          auto list = d->accounts->List();
          if (!list) return ErrorResponse(list.error(), rid);
          json::array items;
          for (const auto& a : *list) items.push_back(AccountJson(a));
          return Response::Json(json::serialize(json::object{{"accounts", std::move(items)}}));
        };
        co_return co_await AsPrincipal(*d, ctx, std::move(work));
      });

  server.Route(http::Verb::get, "/v1/accounts/me/keys",
               [d](RequestContext& ctx) -> asio::awaitable<Response> {
                 std::string rid = ctx.request_id();
                 auto work = [d, rid](const Principal& who, const std::string&) {
                   auto keys = d->accounts->KeysOf(who.account_id);
                   if (!keys) return ErrorResponse(keys.error(), rid);
                   json::array generations, wraps;
                   for (const auto& g : keys->generations)
                     generations.push_back(json::object{{"generation", g.generation},
                                                        {"recipient", g.recipient},
                                                        {"previous", B64(g.previous)},
                                                        {"log_index", g.log_index}});
                   for (const auto& [generation, wrap] : keys->wraps)
                     wraps.push_back(json::object{{"generation", generation}, {"wrap", B64(wrap)}});
                   json::object out = AccountJson(keys->account);
                   out["identity"] = B64(keys->identity);
                   out["generations"] = std::move(generations);
                   out["wraps"] = std::move(wraps);
                   return Response::Json(json::serialize(out));
                 };
                 co_return co_await AsPrincipal(*d, ctx, std::move(work));
               });

  server.Route(http::Verb::put, "/v1/accounts/{id}/role",
               [d](RequestContext& ctx) -> asio::awaitable<Response> {
                 std::string rid = ctx.request_id();
                 std::string account(ctx.Param("id"));
                 auto work = [d, rid, account](const Principal& who, const std::string& text) {
                   auto o = JsonObject::Parse(text, {"role"});
                   if (!o) return ErrorResponse(o.error(), rid);
                   auto name = o->String("role");
                   if (!name) return ErrorResponse(name.error(), rid);
                   std::optional<Role> role = accounts::ParseRole(*name);
                   if (!role && *name != "none")
                     return ErrorResponse(MakeError(Errc::kInvalidArgument, "role"), rid);
                   auto changed = d->accounts->ChangeRole(account, role, who);
                   if (!changed && changed.error().code == Errc::kFailedPrecondition)
                     return Response::Error(HttpStatus::conflict, "last_administrator",
                                            "The last administrator cannot be removed.");
                   if (!changed) return ErrorResponse(changed.error(), rid);
                   return NoContent();
                 };
                 co_return co_await AsPrincipal(*d, ctx, std::move(work));
               });

  server.Route(http::Verb::post, "/v1/invitations",
               [d](RequestContext& ctx) -> asio::awaitable<Response> {
                 std::string rid = ctx.request_id();
                 auto work = [d, rid](const Principal& who, const std::string& text) {
                   if (who.role != Role::kAdmin)
                     return ErrorResponse(MakeError(Errc::kPermissionDenied, ""), rid);
                   auto o = JsonObject::Parse(text, {"role"});
                   if (!o) return ErrorResponse(o.error(), rid);
                   auto role = RoleField(*o);
                   if (!role) return ErrorResponse(role.error(), rid);
                   auto invitation = d->accounts->Invite(*role, who.actor);
                   if (!invitation) return ErrorResponse(invitation.error(), rid);
                   return Created(json::object{{"id", invitation->id},
                                               {"token", invitation->token},
                                               {"link", "/join#" + invitation->token},
                                               {"role", RoleName(invitation->role)},
                                               {"expires_at", invitation->expires_at},
                                               {"log_index", invitation->log_index}});
                 };
                 co_return co_await AsPrincipal(*d, ctx, std::move(work));
               });

  server.Route(
      http::Verb::get, "/v1/keys/current", [d](RequestContext& ctx) -> asio::awaitable<Response> {
        std::string rid = ctx.request_id();
        auto work = [d, rid]() {
          auto key = d->accounts->CurrentKey();
          if (!key) return ErrorResponse(key.error(), rid);
          return Response::Json(json::serialize(json::object{{"generation", key->generation},
                                                             {"recipient", key->recipient},
                                                             {"log_index", key->log_index}}));
        };
        co_return co_await Offload(*d->pool, std::move(work));
      });

  server.Route(http::Verb::post, "/v1/keys", [d](RequestContext& ctx) -> asio::awaitable<Response> {
    std::string rid = ctx.request_id();
    auto work = [d, rid](const Principal& who, const std::string& text) {
      auto o = JsonObject::Parse(text, {"recipient", "previous", "wraps"});
      if (!o) return ErrorResponse(o.error(), rid);
      accounts::NewKeyGeneration key;
      auto recipient = o->String("recipient");
      auto previous = o->Base64("previous");
      auto wraps = o->Objects("wraps", kMaxWraps, {"account_id", "wrap"});
      if (!recipient) return ErrorResponse(recipient.error(), rid);
      if (!previous) return ErrorResponse(previous.error(), rid);
      if (!wraps) return ErrorResponse(wraps.error(), rid);
      key.recipient = std::string(*recipient);
      key.previous = std::move(*previous);
      for (const auto& w : *wraps) {
        auto account = w.String("account_id");
        auto wrap = w.Base64("wrap");
        if (!account) return ErrorResponse(account.error(), rid);
        if (!wrap) return ErrorResponse(wrap.error(), rid);
        key.wraps.emplace_back(std::string(*account), std::move(*wrap));
      }
      auto generation = d->accounts->RotateKey(key, who);
      if (!generation) return ErrorResponse(generation.error(), rid);
      return Created(json::object{{"generation", generation->generation},
                                  {"recipient", generation->recipient},
                                  {"log_index", generation->log_index}});
    };
    co_return co_await AsPrincipal(*d, ctx, std::move(work));
  });

  server.Route(http::Verb::post, "/v1/keys/current/wraps",
               [d](RequestContext& ctx) -> asio::awaitable<Response> {
                 std::string rid = ctx.request_id();
                 auto work = [d, rid](const Principal& who, const std::string& text) {
                   auto o = JsonObject::Parse(text, {"account_id", "wrap"});
                   if (!o) return ErrorResponse(o.error(), rid);
                   auto account = o->String("account_id");
                   auto wrap = o->Base64("wrap");
                   if (!account) return ErrorResponse(account.error(), rid);
                   if (!wrap) return ErrorResponse(wrap.error(), rid);
                   auto added = d->accounts->AddWrap(*account, *wrap, who);
                   if (!added) return ErrorResponse(added.error(), rid);
                   return NoContent();
                 };
                 co_return co_await AsPrincipal(*d, ctx, std::move(work));
               });

  server.Route(http::Verb::post, "/v1/recovery-shares",
               [d](RequestContext& ctx) -> asio::awaitable<Response> {
                 std::string rid = ctx.request_id();
                 auto work = [d, rid](const Principal& who, const std::string& text) {
                   auto o = JsonObject::Parse(text, {"threshold", "shares"});
                   if (!o) return ErrorResponse(o.error(), rid);
                   auto threshold = o->Integer("threshold", 2, 255);
                   auto items = o->Objects("shares", 255, {"holder", "index", "share"});
                   if (!threshold) return ErrorResponse(threshold.error(), rid);
                   if (!items) return ErrorResponse(items.error(), rid);
                   std::vector<accounts::RecoveryShare> shares;
                   for (const auto& item : *items) {
                     auto holder = item.String("holder");
                     auto index = item.Integer("index", 1, 255);
                     auto share = item.Base64("share");
                     if (!holder) return ErrorResponse(holder.error(), rid);
                     if (!index) return ErrorResponse(index.error(), rid);
                     if (!share) return ErrorResponse(share.error(), rid);
                     shares.push_back({std::string(*holder), static_cast<std::uint32_t>(*index),
                                       std::move(*share)});
                   }
                   auto stored = d->accounts->StoreRecoveryShares(
                       static_cast<std::uint32_t>(*threshold), shares, who);
                   if (!stored) return ErrorResponse(stored.error(), rid);
                   return NoContent();
                 };
                 co_return co_await AsPrincipal(*d, ctx, std::move(work));
               });

  server.Route(
      http::Verb::get, "/v1/recovery-shares/mine",
      [d](RequestContext& ctx) -> asio::awaitable<Response> {
        std::string rid = ctx.request_id();
        auto work = [d, rid](const Principal& who, const std::string&) {
          auto shares = d->accounts->RecoverySharesOf(who.account_id);
          if (!shares) return ErrorResponse(shares.error(), rid);
          json::array items;
          for (const auto& s : *shares)
            items.push_back(json::object{{"id", s.id},
                                         {"generation", s.generation},
                                         {"index", s.index},
                                         {"threshold", s.threshold},
                                         {"count", s.count},
                                         {"share", B64(s.share)}});
          return Response::Json(json::serialize(json::object{{"shares", std::move(items)}}));
        };
        co_return co_await AsPrincipal(*d, ctx, std::move(work));
      });

  server.Route(http::Verb::post, "/v1/read-tokens",
               [d](RequestContext& ctx) -> asio::awaitable<Response> {
                 std::string rid = ctx.request_id();
                 auto work = [d, rid](const Principal& who, const std::string& text) {
                   auto o = JsonObject::Parse(text, {"role"});
                   if (!o) return ErrorResponse(o.error(), rid);
                   auto role = RoleField(*o);
                   if (!role) return ErrorResponse(role.error(), rid);
                   auto token = d->accounts->CreateReadToken(*role, who);
                   if (!token) return ErrorResponse(token.error(), rid);
                   return Created(json::object{{"token", *token}, {"role", RoleName(*role)}});
                 };
                 co_return co_await AsPrincipal(*d, ctx, std::move(work));
               });
}

}  // namespace vigil::api
