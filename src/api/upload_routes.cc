#include "api/upload_routes.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/experimental/channel.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/json.hpp>

#include "api/responses.h"
#include "http/tus.h"

namespace vigil::api {
namespace {

namespace asio = boost::asio;
using http::HttpStatus;
using http::RequestContext;
using http::Response;
using uploads::UploadStatus;
using uploads::UploadWriter;

constexpr std::size_t kReadBytes = 64 << 10;  // one read of body data
constexpr std::size_t kBatchBytes = 1 << 20;  // one write to disk
constexpr std::size_t kBatches = 4;           // read ahead of the disk by up to this many

Response TusError(HttpStatus status, std::string code, std::string message) {
  return Response::Error(status, std::move(code), std::move(message));
}

// Upload-Offset and Upload-Expires of an upload, as HEAD and PATCH answer them.
void SetProgress(Response& r, const UploadStatus& s) {
  r.headers.set("Upload-Offset", std::to_string(s.offset));
  r.headers.set("Upload-Expires", http::FormatHttpDate(s.expires));
}

// tus asks every request but OPTIONS to name the protocol version; others get 412 with the
// versions this server speaks.
std::optional<Response> CheckTusVersion(const RequestContext& ctx) {
  if (http::IsSupportedTusVersion(ctx.Header("Tus-Resumable"))) return std::nullopt;
  Response r = TusError(HttpStatus::precondition_failed, "unsupported_tus_version",
                        "Send Tus-Resumable: 1.0.0.");
  r.headers.set("Tus-Version", http::kTusVersion);
  return r;
}

bool HasBody(const RequestContext& ctx) {
  auto length = ctx.content_length();
  return (length && *length > 0) || !ctx.Header("Transfer-Encoding").empty();
}

Response NoSuchUpload() {
  return TusError(HttpStatus::not_found, "not_found", "No such resource.");
}

Response Locked() {
  return TusError(HttpStatus::locked, "upload_locked",
                  "Another request is writing to this upload; retry shortly.");
}

Response OffsetMismatch() {
  return TusError(HttpStatus::conflict, "offset_mismatch",
                  "Upload-Offset is not the upload's offset; ask with HEAD.");
}

Response LengthExceeded() {
  return TusError(HttpStatus::payload_too_large, "upload_length_exceeded",
                  "The data goes past the upload's length.");
}

Response ChecksumMismatch() {
  Response r = TusError(static_cast<HttpStatus>(460), "checksum_mismatch",
                        "The data does not match Upload-Checksum; it was discarded.");
  r.reason = "Checksum Mismatch";
  return r;
}

// An append's errors, in the tus words where tus has some.
Response AppendError(const Error& e, std::string_view rid) {
  switch (e.code) {
    case Errc::kNotFound:
      return NoSuchUpload();
    case Errc::kFailedPrecondition:
      return OffsetMismatch();
    case Errc::kUnavailable:
      return Locked();
    case Errc::kInvalidArgument:
      return LengthExceeded();
    case Errc::kCorrupt:
      return ChecksumMismatch();
    default:
      return ErrorResponse(e, rid);  // kMalformed: invalid_ciphertext
  }
}

// What one fill of a batch buffer brought: `size` bytes, then the end of the body, more to
// come, or a failed read (the bytes before it are still good).
struct Piece {
  std::size_t size = 0;
  bool end = false;
  std::optional<Error> error;
};

asio::awaitable<Piece> Fill(RequestContext& ctx, Bytes& buffer) {
  Piece piece;
  while (piece.size < buffer.size()) {
    std::size_t want = std::min(kReadBytes, buffer.size() - piece.size);
    auto n = co_await ctx.ReadBodySome(MutableByteSpan(buffer.data() + piece.size, want));
    if (!n) {
      piece.error = n.error();
      co_return piece;
    }
    if (*n == 0) {
      piece.end = true;
      co_return piece;
    }
    piece.size += *n;
  }
  co_return piece;
}

// Writes a batch and hashes it on two threads of the pool at once (UploadWriter::Hash).
asio::awaitable<Status> WriteBatch(asio::thread_pool& pool, std::shared_ptr<UploadWriter> writer,
                                   const Bytes& buffer, std::size_t size) {
  using namespace asio::experimental::awaitable_operators;
  if (size == 0) co_return OkStatus();
  ByteSpan data(buffer.data(), size);
  auto write = [writer, data]() { return writer->Write(data); };
  auto hash = [writer, data]() {
    writer->Hash(data);
    return true;
  };
  auto [written, hashed] =
      co_await (Offload(pool, std::move(write)) && Offload(pool, std::move(hash)));
  (void)hashed;
  co_return written;
}

// A batch buffer passed between the reader and the writer of a PATCH body.
struct Slot {
  std::size_t buffer = 0;  // index into the request's buffers
  std::size_t size = 0;
  bool last = false;  // the body ended (or failed, or the writer stopped) with this batch
};
using SlotQueue = asio::experimental::channel<void(boost::system::error_code, Slot)>;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

// Fills free buffers from the body, in order, until it ends; `end` says how.
asio::awaitable<void> ReadBatches(RequestContext& ctx, std::vector<Bytes>& buffers,
                                  SlotQueue& free_slots, SlotQueue& full_slots, const bool& stop,
                                  Piece& end) {
  while (true) {
    auto [ec, slot] = co_await free_slots.async_receive(kTuple);
    if (ec) co_return;
    Piece piece;
    if (stop) {
      piece.end = true;
    } else {
      piece = co_await Fill(ctx, buffers[slot.buffer]);
    }
    slot.size = piece.size;
    slot.last = piece.end || piece.error.has_value();
    if (slot.last) end = piece;
    co_await full_slots.async_send(boost::system::error_code{}, slot, kTuple);
    if (slot.last) co_return;
  }
}

// Writes full buffers in order and hands them back; after a failure it only hands them back
// (and asks the reader to stop), so that the reader never waits forever.
asio::awaitable<void> WriteBatches(asio::thread_pool& pool, std::shared_ptr<UploadWriter> writer,
                                   std::vector<Bytes>& buffers, SlotQueue& free_slots,
                                   SlotQueue& full_slots, bool& stop, Status& written) {
  while (true) {
    auto [ec, slot] = co_await full_slots.async_receive(kTuple);
    if (ec) co_return;
    if (written && slot.size > 0) {
      written = co_await WriteBatch(pool, writer, buffers[slot.buffer], slot.size);
      if (!written) stop = true;
    }
    if (slot.last) co_return;
    co_await free_slots.async_send(boost::system::error_code{}, slot, kTuple);
  }
}

struct Deps {
  std::shared_ptr<uploads::Uploads> uploads;
  asio::thread_pool* pool;
};

asio::awaitable<Response> Options(const Deps& d) {
  Response r;
  r.status = HttpStatus::no_content;
  r.headers.set("Tus-Version", http::kTusVersion);
  r.headers.set("Tus-Extension", http::kTusExtensions);
  r.headers.set("Tus-Checksum-Algorithm", http::kTusChecksumAlgorithms);
  r.headers.set("Tus-Max-Size", std::to_string(d.uploads->Limits().max_upload_bytes));
  co_return r;
}

asio::awaitable<Response> Create(const Deps& d, RequestContext& ctx) {
  if (auto refused = CheckTusVersion(ctx)) co_return *refused;
  std::string rid = ctx.request_id();
  // Deferred lengths (creation-defer-length) and data in the creation request
  // (creation-with-upload) are extensions this server does not offer.
  if (!ctx.Header("Upload-Defer-Length").empty() || HasBody(ctx))
    co_return ErrorResponse(MakeError(Errc::kInvalidArgument, "unsupported creation"), rid);
  auto length = http::ParseUploadLength(ctx.Header("Upload-Length"));
  if (!length) co_return ErrorResponse(length.error(), rid);
  // Security: T9. Metadata (file names, types) would be plaintext about the evidence: it is
  // checked for form, as tus defines it, and then dropped, never stored or logged.
  if (std::string_view metadata = ctx.Header("Upload-Metadata"); !metadata.empty()) {
    if (auto parsed = http::ParseUploadMetadata(metadata); !parsed)
      co_return ErrorResponse(MakeError(Errc::kInvalidArgument, "Upload-Metadata"), rid);
  }
  if (*length > d.uploads->Limits().max_upload_bytes)
    co_return TusError(HttpStatus::payload_too_large, "upload_too_large",
                       "The upload is larger than this server accepts (see Tus-Max-Size).");
  auto work = [uploads = d.uploads, n = *length, rid]() -> Response {
    auto created = uploads->Create(n);
    if (!created && created.error().code == Errc::kUnavailable)
      return TusError(HttpStatus::service_unavailable, "upload_quota_exceeded",
                      "Too many uploads are waiting; try again later.");
    if (!created) return ErrorResponse(created.error(), rid);
    Response r;
    r.status = HttpStatus::created;
    r.headers.set("Location", "/v1/uploads/" + created->id);
    r.headers.set("Upload-Expires", http::FormatHttpDate(created->expires));
    r.body = boost::json::serialize(boost::json::object{{"upload_id", created->id}});
    return r;
  };
  co_return co_await Offload(*d.pool, std::move(work));
}

asio::awaitable<Response> Head(const Deps& d, RequestContext& ctx) {
  if (auto refused = CheckTusVersion(ctx)) co_return *refused;
  // The state is in memory: no disk, no offload.
  auto state = d.uploads->Get(ctx.Param("id"));
  if (!state) co_return NoSuchUpload();
  Response r;
  SetProgress(r, *state);
  r.headers.set("Upload-Length", std::to_string(state->length));
  co_return r;
}

asio::awaitable<Response> Patch(const Deps& d, RequestContext& ctx) {
  if (auto refused = CheckTusVersion(ctx)) co_return *refused;
  std::string rid = ctx.request_id();
  std::string_view type = ctx.Header("Content-Type");
  type = type.substr(0, type.find(';'));
  while (!type.empty() && type.back() == ' ') type.remove_suffix(1);
  if (!boost::beast::iequals(type, http::kTusPatchContentType))
    co_return TusError(HttpStatus::unsupported_media_type, "unsupported_media_type",
                       "Send the data as application/offset+octet-stream.");
  auto offset = http::ParseUploadOffset(ctx.Header("Upload-Offset"));
  if (!offset) co_return ErrorResponse(offset.error(), rid);
  std::optional<crypto::Sha256Digest> checksum;
  if (std::string_view text = ctx.Header("Upload-Checksum"); !text.empty()) {
    auto parsed = http::ParseUploadChecksum(text);
    if (!parsed && parsed.error().code == Errc::kFailedPrecondition)
      co_return TusError(HttpStatus::bad_request, "checksum_unsupported",
                         "Upload-Checksum must use sha256.");
    if (!parsed) co_return ErrorResponse(parsed.error(), rid);
    checksum = parsed->digest;
  }
  std::string id(ctx.Param("id"));
  auto state = d.uploads->Get(id);
  if (!state) co_return NoSuchUpload();
  if (*offset != state->offset) co_return OffsetMismatch();
  auto length = ctx.content_length();
  if (length && *length > state->length - state->offset) co_return LengthExceeded();
  if (state->finished) {
    // Every byte is in already (tus clients may ask again after a lost response).
    if (HasBody(ctx)) co_return LengthExceeded();
    Response r;
    r.status = HttpStatus::no_content;
    SetProgress(r, *state);
    co_return r;
  }

  auto begin_work = [uploads = d.uploads, id, at = *offset, checksum]() {
    return uploads->BeginAppend(id, at, checksum);
  };
  auto begun = co_await Offload(*d.pool, std::move(begin_work));
  if (!begun) co_return AppendError(begun.error(), rid);
  std::shared_ptr<UploadWriter> writer = std::move(*begun);

  // The socket is read up to kBatches ahead of the disk, so that a slow moment of one does not
  // stall the other. Memory per request stays at kBatches buffers, whatever the upload's size.
  using namespace asio::experimental::awaitable_operators;
  auto executor = co_await asio::this_coro::executor;
  std::vector<Bytes> buffers(kBatches, Bytes(kBatchBytes));
  SlotQueue free_slots(executor, kBatches);
  SlotQueue full_slots(executor, kBatches);
  for (std::size_t i = 0; i < kBatches; ++i)
    free_slots.try_send(boost::system::error_code{}, Slot{i, 0, false});
  bool stop = false;
  Piece piece;
  Status written = OkStatus();
  co_await (ReadBatches(ctx, buffers, free_slots, full_slots, stop, piece) &&
            WriteBatches(*d.pool, writer, buffers, free_slots, full_slots, stop, written));
  if (!written) co_return AppendError(written.error(), rid);
  // A request cut short (a closed connection, a time-out) keeps what arrived, as tus asks,
  // unless a checksum was to cover it; a body over the limit keeps nothing.
  if (piece.error && piece.error->code == Errc::kResourceExhausted) co_return LengthExceeded();
  const bool complete = !piece.error;
  auto commit_work = [writer, complete]() { return writer->Commit(complete); };
  auto committed = co_await Offload(*d.pool, std::move(commit_work));
  if (!committed) co_return AppendError(committed.error(), rid);
  if (!complete) co_return ErrorResponse(*piece.error, rid);
  Response r;
  r.status = HttpStatus::no_content;
  SetProgress(r, *committed);
  co_return r;
}

asio::awaitable<Response> Terminate(const Deps& d, RequestContext& ctx) {
  if (auto refused = CheckTusVersion(ctx)) co_return *refused;
  std::string rid = ctx.request_id();
  auto work = [uploads = d.uploads, id = std::string(ctx.Param("id")), rid]() -> Response {
    Status removed = uploads->Terminate(id);
    if (!removed) return AppendError(removed.error(), rid);
    Response r;
    r.status = HttpStatus::no_content;
    return r;
  };
  co_return co_await Offload(*d.pool, std::move(work));
}

// Every response of the resource says which protocol it speaks, errors included.
template <typename Inner>
http::Handler Tus(std::shared_ptr<Deps> d, Inner inner) {
  return [d, inner](RequestContext& ctx) -> asio::awaitable<Response> {
    Response r = co_await inner(*d, ctx);
    r.headers.set("Tus-Resumable", http::kTusVersion);
    co_return r;
  };
}

}  // namespace

void AddUploadRoutes(http::Server& server, UploadRouteDeps deps) {
  auto d = std::make_shared<Deps>(Deps{std::move(deps.uploads), deps.pool});
  auto options = [](const Deps& shared, RequestContext&) { return Options(shared); };
  server.Route(http::Verb::options, "/v1/uploads", Tus(d, options));
  server.Route(http::Verb::post, "/v1/uploads", Tus(d, Create));
  server.Route(http::Verb::head, "/v1/uploads/{id}", Tus(d, Head));
  server.Route(http::Verb::patch, "/v1/uploads/{id}", Tus(d, Patch),
               http::RouteOptions{d->uploads->options().max_upload_bytes});
  server.Route(http::Verb::delete_, "/v1/uploads/{id}", Tus(d, Terminate));
}

}  // namespace vigil::api
