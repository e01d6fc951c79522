#include "api/report_routes.h"

#include <boost/json.hpp>
#include <set>

#include "api/json.h"
#include "api/responses.h"
#include "base/hex.h"
#include "translog/receipt.h"

namespace vigil::api {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;
using http::HttpStatus;
using http::RequestContext;
using http::Response;

constexpr std::size_t kMaxAttachments = 32;
constexpr char kLookupHeader[] = "Vigil-Lookup-Id";

json::object AckJson(const reports::Acknowledgement& ack) {
  json::array attachments;
  for (const auto& [id, index] : ack.attachments)
    attachments.push_back(json::object{{"id", id}, {"log_index", index}});
  std::string base = "/v1/reports/" + ack.report_id + "/messages/" + ack.message_id;
  return json::object{{"report_id", ack.report_id},
                      {"message_id", ack.message_id},
                      {"log_index", ack.log_index},
                      {"attachments", std::move(attachments)},
                      {"receipt_url", base + "/receipt"}};
}

// `for_reporter`: staff ids are the organisation's business; a reporter sees "organisation".
json::object ViewJson(const reports::ReportView& view, bool for_reporter) {
  json::array messages;
  for (const auto& m : view.messages) {
    json::array attachments;
    for (const auto& a : m.attachments)
      attachments.push_back(
          json::object{{"id", a.id}, {"size", a.size}, {"log_index", a.log_index}});
    std::string author = m.author;
    if (for_reporter && author != "reporter") author = "organisation";
    messages.push_back(json::object{{"id", m.id},
                                    {"kind", m.kind},
                                    {"author", author},
                                    {"size", m.size},
                                    {"log_index", m.log_index},
                                    {"created_hour", m.created_hour},
                                    {"attachments", std::move(attachments)}});
  }
  json::object out{{"report_id", view.summary.id},
                   {"created_hour", view.summary.created_hour},
                   {"updated_hour", view.summary.updated_hour},
                   {"log_index", view.summary.log_index},
                   {"messages", std::move(messages)}};
  if (!for_reporter) out["reporter_recipient"] = view.reporter_recipient;
  return out;
}

Response Created(const json::object& body) {
  return Response::Json(json::serialize(body), HttpStatus::created);
}

// Why a report was refused: 409 lookup_taken for a passphrase that already has a report (a
// follow-up is what the reporter wants), the common table for anything else.
Response SubmitRefusal(const Error& error, const std::string& request_id) {
  if (error.code == Errc::kAlreadyExists)
    return Response::Error(HttpStatus::conflict, "lookup_taken",
                           "This passphrase already has a report; follow it up instead.");
  return ErrorResponse(error, request_id);
}

// The claimed attachments of a request, in order.
Result<std::vector<reports::AttachmentBlob>> ClaimAll(const ReportRouteDeps& deps,
                                                      const std::vector<std::string>& ids) {
  // A repeated id would fail on its second claim, after the first took the upload.
  std::set<std::string> distinct(ids.begin(), ids.end());
  if (distinct.size() != ids.size())
    return MakeError(Errc::kInvalidArgument, "an upload is attached twice");
  if (ids.empty()) return std::vector<reports::AttachmentBlob>{};
  if (!deps.claim_uploads) return MakeError(Errc::kNotFound, "uploads are not enabled");
  return deps.claim_uploads(ids);
}

}  // namespace

Response CiphertextResponse(const store::BlobStore& blobs, const reports::Location& where,
                            std::string_view request_id) {
  auto source = blobs.Open(where.sha256);
  if (!source) return ErrorResponse(source.error(), request_id);
  // Skip the record header: the client gets the age file alone.
  Bytes skip(static_cast<std::size_t>(std::min<std::uint64_t>(where.offset, 1 << 16)));
  std::uint64_t left = where.offset;
  while (left > 0) {
    MutableByteSpan span(skip.data(), std::min<std::uint64_t>(skip.size(), left));
    auto n = ReadFull(**source, span);
    if (!n || *n != span.size())
      return ErrorResponse(MakeError(Errc::kCorrupt, "short blob"), request_id);
    left -= *n;
  }
  Response r;
  r.content_type = "application/octet-stream";
  r.stream = std::shared_ptr<Source>(std::move(*source));
  r.stream_size = where.size;
  return r;
}

void AddReportRoutes(http::Server& server, ReportRouteDeps deps) {
  auto d = std::make_shared<ReportRouteDeps>(std::move(deps));
  http::RouteOptions big{d->max_message_bytes};

  // Is this request the reporter of `report_id` (by lookup header) or staff? Returns the staff
  // actor when staff, nullopt for the reporter; errors are 404 for a wrong lookup id, so that
  // a report's existence is not revealed.
  auto who = [d](const RequestContext& ctx,
                 std::string_view report_id) -> Result<std::optional<translog::ActorId>> {
    std::string_view lookup = ctx.Header(kLookupHeader);
    if (!lookup.empty()) {
      auto bytes = HexDecode(lookup);
      if (!bytes) return MakeError(Errc::kNotFound, "bad lookup id");
      VIGIL_ASSIGN_OR_RETURN(std::string id, d->reports->ReportIdOf(*bytes));
      if (id != report_id) return MakeError(Errc::kNotFound, "lookup id of another report");
      return std::optional<translog::ActorId>();
    }
    if (!d->staff) return MakeError(Errc::kUnauthenticated, "no staff sign-in");
    VIGIL_ASSIGN_OR_RETURN(auto actor, d->staff(ctx));
    return std::optional<translog::ActorId>(actor);
  };

  server.Route(
      http::Verb::post, "/v1/reports",
      [d](RequestContext& ctx) -> asio::awaitable<Response> {
        auto body = co_await ctx.ReadBody();
        if (!body) co_return ErrorResponse(body.error(), ctx.request_id());
        std::string text = std::move(*body);
        std::string rid = ctx.request_id();
        auto work = [d, text = std::move(text), rid](Reply reply) {
          auto object = JsonObject::Parse(
              text, {"lookup_id", "reporter_recipient", "ciphertext", "attachments"});
          if (!object) return reply(ErrorResponse(object.error(), rid));
          reports::NewReport report;
          auto lookup = object->Hex("lookup_id", reports::kLookupIdSize);
          auto recipient = object->String("reporter_recipient");
          auto ciphertext = object->Base64("ciphertext");
          auto uploads = object->OptionalStrings("attachments", kMaxAttachments);
          if (auto bad = FirstError(lookup, recipient, ciphertext, uploads); !bad)
            return reply(ErrorResponse(bad.error(), rid));
          report.lookup_id = std::move(*lookup);
          report.reporter_recipient = std::string(*recipient);
          report.ciphertext = std::move(*ciphertext);
          // Checked before any upload is claimed, so that a refusal leaves them for a retry.
          // Without uploads, SubmitThen's own check is enough.
          if (!uploads->empty()) {
            if (auto ok = d->reports->CheckReport(report); !ok)
              return reply(SubmitRefusal(ok.error(), rid));
          }
          auto attachments = ClaimAll(*d, *uploads);
          if (!attachments) return reply(ErrorResponse(attachments.error(), rid));
          report.attachments = std::move(*attachments);
          d->reports->SubmitThen(report, [reply, rid](Result<reports::Acknowledgement> ack) {
            reply(ack ? Created(AckJson(*ack)) : SubmitRefusal(ack.error(), rid));
          });
        };
        co_return co_await OffloadThen(*d->pool, std::move(work));
      },
      big);

  server.Route(http::Verb::post, "/v1/lookups",
               [d](RequestContext& ctx) -> asio::awaitable<Response> {
                 auto body = co_await ctx.ReadBody();
                 if (!body) co_return ErrorResponse(body.error(), ctx.request_id());
                 std::string text = std::move(*body);
                 std::string rid = ctx.request_id();
                 auto work = [d, text, rid]() -> Response {
                   auto object = JsonObject::Parse(text, {"lookup_id"});
                   if (!object) return ErrorResponse(object.error(), rid);
                   auto lookup = object->Hex("lookup_id", reports::kLookupIdSize);
                   if (!lookup) return ErrorResponse(lookup.error(), rid);
                   auto view = d->reports->FindByLookup(*lookup);
                   if (!view) return ErrorResponse(view.error(), rid);
                   return Response::Json(json::serialize(ViewJson(*view, true)));
                 };
                 co_return co_await Offload(*d->pool, std::move(work));
               });

  server.Route(
      http::Verb::post, "/v1/reports/{id}/messages",
      [d, who](RequestContext& ctx) -> asio::awaitable<Response> {
        std::string report_id(ctx.Param("id"));
        std::string rid = ctx.request_id();
        auto asker = who(ctx, report_id);
        if (!asker) co_return ErrorResponse(asker.error(), rid);
        auto body = co_await ctx.ReadBody();
        if (!body) co_return ErrorResponse(body.error(), rid);
        std::string text = std::move(*body);
        Bytes lookup;
        if (auto h = HexDecode(ctx.Header(kLookupHeader)); h) lookup = std::move(*h);
        auto work = [d, text, rid, report_id, asker = *asker, lookup](Reply reply) {
          auto object = JsonObject::Parse(text, {"ciphertext", "attachments"});
          if (!object) return reply(ErrorResponse(object.error(), rid));
          auto ciphertext = object->Base64("ciphertext");
          auto uploads = object->OptionalStrings("attachments", kMaxAttachments);
          if (auto bad = FirstError(ciphertext, uploads); !bad)
            return reply(ErrorResponse(bad.error(), rid));
          reports::NewMessage message{std::move(*ciphertext), {}};
          // Checked before any upload is claimed, so that a refusal leaves them for a retry.
          // Without uploads, the commit's own check is enough.
          if (!uploads->empty()) {
            auto ok = asker ? d->reports->CheckReply(report_id, message)
                            : d->reports->CheckFollowUp(lookup, message);
            if (!ok) return reply(ErrorResponse(ok.error(), rid));
          }
          auto attachments = ClaimAll(*d, *uploads);
          if (!attachments) return reply(ErrorResponse(attachments.error(), rid));
          message.attachments = std::move(*attachments);
          auto answer = [reply, rid](Result<reports::Acknowledgement> ack) {
            reply(ack ? Created(AckJson(*ack)) : ErrorResponse(ack.error(), rid));
          };
          if (asker)
            d->reports->AddReplyThen(report_id, *asker, message, std::move(answer));
          else
            d->reports->AddFollowUpThen(lookup, message, std::move(answer));
        };
        co_return co_await OffloadThen(*d->pool, std::move(work));
      },
      big);

  server.Route(http::Verb::get, "/v1/reports",
               [d](RequestContext& ctx) -> asio::awaitable<Response> {
                 std::string rid = ctx.request_id();
                 if (!d->staff) co_return ErrorResponse(MakeError(Errc::kUnauthenticated, ""), rid);
                 if (auto staff = d->staff(ctx); !staff)
                   co_return ErrorResponse(staff.error(), rid);
                 std::string after;
                 std::string_view q = ctx.query();
                 if (q.substr(0, 6) == "after=")
                   after = std::string(q.substr(6));
                 else if (!q.empty())
                   co_return ErrorResponse(MakeError(Errc::kInvalidArgument, "query"), rid);
                 auto work = [d, after, rid]() -> Response {
                   auto list = d->reports->List(after, 100);
                   if (!list) return ErrorResponse(list.error(), rid);
                   json::array items;
                   for (const auto& s : *list)
                     items.push_back(json::object{{"id", s.id},
                                                  {"created_hour", s.created_hour},
                                                  {"updated_hour", s.updated_hour},
                                                  {"log_index", s.log_index},
                                                  {"messages", s.messages}});
                   json::object out{{"reports", std::move(items)}};
                   if (list->size() == 100) out["next"] = reports::ListCursor(list->back());
                   return Response::Json(json::serialize(out));
                 };
                 co_return co_await Offload(*d->pool, std::move(work));
               });

  server.Route(http::Verb::delete_, "/v1/reports/{id}",
               [d](RequestContext& ctx) -> asio::awaitable<Response> {
                 std::string report_id(ctx.Param("id"));
                 std::string rid = ctx.request_id();
                 if (!d->admin) co_return ErrorResponse(MakeError(Errc::kUnauthenticated, ""), rid);
                 auto admin = d->admin(ctx);
                 if (!admin) co_return ErrorResponse(admin.error(), rid);
                 auto work = [d, report_id, rid, actor = *admin]() {
                   auto index = d->reports->Delete(report_id, actor);
                   if (!index) return ErrorResponse(index.error(), rid);
                   return Response::Json(json::serialize(
                       json::object{{"report_id", report_id}, {"deletion_log_index", *index}}));
                 };
                 co_return co_await Offload(*d->pool, std::move(work));
               });

  server.Route(http::Verb::get, "/v1/reports/{id}",
               [d, who](RequestContext& ctx) -> asio::awaitable<Response> {
                 std::string report_id(ctx.Param("id"));
                 std::string rid = ctx.request_id();
                 auto asker = who(ctx, report_id);
                 if (!asker) co_return ErrorResponse(asker.error(), rid);
                 bool reporter = !asker->has_value();
                 auto work = [d, report_id, rid, reporter]() {
                   auto view = d->reports->Get(report_id);
                   if (!view) return ErrorResponse(view.error(), rid);
                   return Response::Json(json::serialize(ViewJson(*view, reporter)));
                 };
                 co_return co_await Offload(*d->pool, std::move(work));
               });

  // The two downloads differ only in how the ciphertext is found.
  using Locate =
      Result<reports::Location> (reports::Reports::*)(std::string_view, std::string_view) const;
  auto download = [d, who](Locate locate, const char* param) {
    return [d, who, locate, param](RequestContext& ctx) -> asio::awaitable<Response> {
      std::string report_id(ctx.Param("id"));
      std::string object_id(ctx.Param(param));
      std::string rid = ctx.request_id();
      auto asker = who(ctx, report_id);
      if (!asker) co_return ErrorResponse(asker.error(), rid);
      auto work = [d, locate, report_id, object_id, rid]() {
        auto where = (d->reports->*locate)(report_id, object_id);
        if (!where) return ErrorResponse(where.error(), rid);
        return CiphertextResponse(*d->blobs, *where, rid);
      };
      co_return co_await Offload(*d->pool, std::move(work));
    };
  };
  server.Route(http::Verb::get, "/v1/reports/{id}/messages/{message}",
               download(&reports::Reports::LocateMessage, "message"));
  server.Route(http::Verb::get, "/v1/reports/{id}/attachments/{attachment}",
               download(&reports::Reports::LocateAttachment, "attachment"));

  server.Route(http::Verb::get, "/v1/reports/{id}/messages/{message}/receipt",
               [d, who](RequestContext& ctx) -> asio::awaitable<Response> {
                 std::string report_id(ctx.Param("id"));
                 std::string message_id(ctx.Param("message"));
                 std::string rid = ctx.request_id();
                 auto asker = who(ctx, report_id);
                 if (!asker) co_return ErrorResponse(asker.error(), rid);
                 auto work = [d, report_id, message_id, rid]() -> Response {
                   auto view = d->reports->Get(report_id);
                   if (!view) return ErrorResponse(view.error(), rid);
                   const reports::MessageInfo* message = nullptr;
                   for (const auto& m : view->messages)
                     if (m.id == message_id) message = &m;
                   if (!message) return ErrorResponse(MakeError(Errc::kNotFound, "message"), rid);
                   return ReceiptResponse(*d->log, d->log_key, message->log_index, rid);
                 };
                 co_return co_await Offload(*d->pool, std::move(work));
               });
}

}  // namespace vigil::api
