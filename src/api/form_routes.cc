#include "api/form_routes.h"

#include <boost/json.hpp>

#include "api/responses.h"
#include "auth/derivation.h"
#include "auth/passphrase.h"
#include "base/hex.h"
#include "crypto/age/age.h"
#include "crypto/age/x25519_recipient.h"
#include "http/multipart.h"
#include "http/request_parts.h"
#include "pages/pages.h"

namespace vigil::api {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;
using http::HttpStatus;
using http::RequestContext;
using http::Response;

constexpr char kPath[] = "/nojs/report";
constexpr std::string_view kTextFields[] = {"what",        "when",       "where", "targeted",
                                            "responsible", "court_link", "help"};
constexpr std::size_t kMaxFieldBytes = 32 * 1024;
constexpr std::size_t kMaxTextBytes = 128 * 1024;
constexpr std::size_t kReadChunk = 64 * 1024;

// The pages forbid everything but their own stylesheet, and forms posting to this origin.
constexpr char kPageCsp[] =
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'";

Response Page(std::string_view page, std::string_view lang,
              const std::map<std::string, std::string>& values,
              HttpStatus status = HttpStatus::ok) {
  auto html = pages::Render(page, lang, kPath, values);
  Response r;
  r.status = html ? status : HttpStatus::internal_server_error;
  r.content_type = "text/html; charset=utf-8";
  r.body = html ? std::move(*html) : "internal error";
  r.headers.set("Content-Security-Policy", kPageCsp);
  r.headers.set("Content-Language", std::string(lang));
  return r;
}

// The error page for a failure, with the stable code of the JSON API's table.
Response ErrorPage(std::string_view lang, const Error& error) {
  std::string key = "error_invalid", code = "invalid_request";
  HttpStatus status = HttpStatus::bad_request;
  switch (error.code) {
    case Errc::kResourceExhausted:
      // The reserve of the disk, or a limit of the form: told apart by the detail's origin.
      if (error.detail.starts_with("disk")) {
        key = "error_storage_full", code = "storage_full";
        status = HttpStatus::service_unavailable;
      } else {
        key = "error_too_large", code = "payload_too_large";
        status = HttpStatus::payload_too_large;
      }
      break;
    case Errc::kFailedPrecondition:
      key = "error_empty", code = "invalid_request";
      break;
    case Errc::kUnavailable:
    case Errc::kNotFound:
      key = "error_unavailable", code = "unavailable";
      status = HttpStatus::service_unavailable;
      break;
    case Errc::kInvalidArgument:
    case Errc::kMalformed:
      break;
    default:
      key = "error_unavailable", code = "internal";
      status = HttpStatus::internal_server_error;
      std::fprintf(stderr, "{\"form_error\":\"%s\"}\n", std::string(ErrcName(error.code)).c_str());
  }
  return Page("error", lang,
              {{"title", pages::Message(lang, "error_title")},
               {"message", pages::Message(lang, key)},
               {"code", code},
               {"code_text", pages::Message(lang, "error_code", {{"code", code}})}},
              status);
}

// A blob writer as the sink of the age encryptor.
class BlobSink final : public Sink {
 public:
  explicit BlobSink(store::BlobWriter& writer) : writer_(writer) {}
  Status Write(ByteSpan data) override { return writer_.Write(data); }

 private:
  store::BlobWriter& writer_;
};

struct FileInfo {
  std::string name;
  std::string type;
  std::uint64_t size = 0;
  reports::AttachmentBlob blob;
};

// Receives the form's parts: text fields kept in memory, files encrypted into blobs as they
// arrive. Runs on the blocking pool, one chunk at a time.
class FormVisitor final : public http::MultipartVisitor {
 public:
  FormVisitor(const store::BlobStore& blobs, std::vector<age::X25519Recipient> recipients,
              Random& random, std::size_t max_files)
      : blobs_(blobs), recipients_(std::move(recipients)), random_(random), max_files_(max_files) {}

  Status OnPartBegin(const http::PartHeaders& headers) override {
    if (headers.filename.has_value()) {
      if (headers.name != "files") return MakeError(Errc::kInvalidArgument, "unknown file field");
      file_ = FileInfo{*headers.filename, headers.content_type, 0, {}};
      in_file_ = true;
      return OkStatus();  // the encryptor starts with the first byte: an empty part is no file
    }
    bool known = false;
    for (std::string_view f : kTextFields) known = known || headers.name == f;
    if (!known || fields_.contains(headers.name))
      return MakeError(Errc::kInvalidArgument, "unknown or repeated field");
    field_ = headers.name;
    in_file_ = false;
    fields_[field_];
    return OkStatus();
  }

  Status OnPartData(ByteSpan data) override {
    if (!in_file_) {
      std::string& value = fields_[field_];
      text_bytes_ += data.size();
      if (value.size() + data.size() > kMaxFieldBytes || text_bytes_ > kMaxTextBytes)
        return MakeError(Errc::kResourceExhausted, "a text field is too long");
      value.append(reinterpret_cast<const char*>(data.data()), data.size());
      return OkStatus();
    }
    if (!encryptor_) {
      if (files_.size() >= max_files_) return MakeError(Errc::kResourceExhausted, "too many files");
      VIGIL_ASSIGN_OR_RETURN(writer_, blobs_.NewWriter());
      sink_ = std::make_unique<BlobSink>(*writer_);
      std::vector<const age::Recipient*> pointers;
      for (const auto& r : recipients_) pointers.push_back(&r);
      VIGIL_ASSIGN_OR_RETURN(encryptor_, age::Encryptor::Create(*sink_, pointers, random_));
    }
    file_.size += data.size();
    return Disk(encryptor_->Write(data));
  }

  Status OnPartEnd() override {
    if (!in_file_ || !encryptor_) return OkStatus();
    VIGIL_RETURN_IF_ERROR(Disk(encryptor_->Close()));
    VIGIL_ASSIGN_OR_RETURN(auto stored, writer_->Commit());
    random_.Fill(file_.blob.id);
    file_.blob.sha256 = stored.first;
    file_.blob.size = stored.second;
    files_.push_back(std::move(file_));
    encryptor_.reset();
    sink_.reset();
    writer_.reset();
    return OkStatus();
  }

  const std::map<std::string, std::string>& fields() const { return fields_; }
  const std::vector<FileInfo>& files() const { return files_; }

  // Removes the blobs of a form that will not be submitted.
  void Discard() {
    for (const auto& f : files_) (void)blobs_.Remove(f.blob.sha256);
  }

 private:
  // The blob store's reserve is the disk's limit, not the form's.
  static Status Disk(Status s) {
    if (!s && s.error().code == Errc::kResourceExhausted)
      return MakeError(Errc::kResourceExhausted, "disk reserve reached");
    return s;
  }

  const store::BlobStore& blobs_;
  std::vector<age::X25519Recipient> recipients_;
  Random& random_;
  std::size_t max_files_;
  std::map<std::string, std::string> fields_;
  std::string field_;
  std::size_t text_bytes_ = 0;
  bool in_file_ = false;
  FileInfo file_;
  std::vector<FileInfo> files_;
  std::unique_ptr<store::BlobWriter> writer_;
  std::unique_ptr<BlobSink> sink_;
  std::unique_ptr<age::Encryptor> encryptor_;
};

// The plaintext of the report (docs/formats/report-content.md), encrypted before it leaves
// memory.
std::string ReportContent(std::string_view lang, const FormVisitor& form) {
  json::object fields;
  for (const auto& [name, value] : form.fields())
    if (!value.empty()) fields[name] = value;
  json::array attachments;
  for (const auto& f : form.files())
    attachments.push_back(json::object{
        {"id", HexEncode(f.blob.id)}, {"name", f.name}, {"type", f.type}, {"size", f.size}});
  return json::serialize(json::object{{"format", "vigil-report/v1"},
                                      {"language", lang},
                                      {"submitted_via", "nojs"},
                                      {"fields", std::move(fields)},
                                      {"attachments", std::move(attachments)}});
}

struct Passphrase {
  SecretBytes words;
  auth::ReporterKeys keys;
};

// POST /nojs/report: the passphrase, then the parts streamed through the encryptor, then the
// report itself. GCC 12 warns falsely that Asio's coroutine frame is freed by a mismatched
// operator delete (its operator new and delete are a matching pair); the warning is silenced
// for this function alone.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
asio::awaitable<Response> SubmitForm(std::shared_ptr<FormRouteDeps> d,
                                     std::shared_ptr<std::counting_semaphore<>> derivations,
                                     RequestContext& ctx) {
  std::string lang(
      pages::PickLanguage(http::QueryParam(ctx.query(), "lang"), ctx.Header("Accept-Language")));
  auto boundary = http::BoundaryFromContentType(ctx.Header("Content-Type"));
  if (!boundary) co_return ErrorPage(lang, boundary.error());
  const std::uint64_t limit =
      d->request_limit ? std::min(d->request_limit(), d->max_request_bytes) : d->max_request_bytes;
  const Error too_large = MakeError(Errc::kResourceExhausted, "the form is over the size limit");
  if (auto length = ctx.content_length(); length && *length > limit)
    co_return ErrorPage(lang, too_large);
  auto organisation = d->organisation_recipient();
  if (!organisation) co_return ErrorPage(lang, organisation.error());

  // The passphrase first: files are encrypted to its recipient as they arrive.
  auto derive = [d, derivations]() -> Result<Passphrase> {
    derivations->acquire();
    Passphrase p{auth::GeneratePassphrase(*d->random), {}};
    auto keys = auth::DeriveReporterKeys(
        std::string_view(reinterpret_cast<const char*>(p.words.data()), p.words.size()),
        d->instance);
    derivations->release();
    if (!keys) return keys.error();
    p.keys = std::move(*keys);
    return p;
  };
  auto passphrase = co_await Offload(*d->pool, std::move(derive));
  if (!passphrase) co_return ErrorPage(lang, passphrase.error());
  std::vector<age::X25519Recipient> recipients{
      *age::X25519Recipient::Parse(*organisation),
      *age::X25519Recipient::Parse(passphrase->keys.recipient)};

  FormVisitor form(*d->blobs, recipients, *d->random, d->max_files);
  http::MultipartParser parser(*boundary, {}, form);
  Bytes chunk(kReadChunk);
  std::uint64_t received = 0;
  for (;;) {
    auto n = co_await ctx.ReadBodySome(chunk);
    if (!n) {
      form.Discard();
      co_return ErrorPage(lang, n.error());
    }
    if (*n == 0) break;
    if ((received += *n) > limit) {  // a chunked body over the limit
      form.Discard();
      co_return ErrorPage(lang, too_large);
    }
    auto feed = [&parser, &chunk, size = *n]() {
      return parser.Feed(ByteSpan(chunk.data(), size));
    };
    if (Status fed = co_await Offload(*d->pool, std::move(feed)); !fed) {
      form.Discard();
      co_return ErrorPage(lang, fed.error());
    }
  }
  if (Status finished = parser.Finish(); !finished) {
    form.Discard();
    co_return ErrorPage(lang, finished.error());
  }
  auto what = form.fields().find("what");
  if (what == form.fields().end() ||
      what->second.find_first_not_of(" \t\r\n") == std::string::npos) {
    form.Discard();
    co_return ErrorPage(lang, MakeError(Errc::kFailedPrecondition, "empty report"));
  }

  auto submit = [d, &form, &passphrase, &recipients, lang]() -> Response {
    std::string content = ReportContent(lang, form);
    std::vector<const age::Recipient*> pointers;
    for (const auto& r : recipients) pointers.push_back(&r);
    auto ciphertext = age::EncryptBytes(AsBytes(content), pointers, *d->random);
    SecureZero(content.data(), content.size());
    if (!ciphertext) return ErrorPage(lang, ciphertext.error());
    reports::NewReport report;
    report.lookup_id = passphrase->keys.lookup_id;
    report.reporter_recipient = passphrase->keys.recipient;
    report.ciphertext = std::move(*ciphertext);
    for (const auto& f : form.files()) report.attachments.push_back(f.blob);
    auto ack = d->reports->Submit(report);
    if (!ack) return ErrorPage(lang, ack.error());
    std::string index = std::to_string(ack->log_index);
    return Page("report_done", lang,
                {{"title", pages::Message(lang, "done_title")},
                 {"stored", pages::Message(lang, "done_stored", {{"index", index}})},
                 {"passphrase", std::string(reinterpret_cast<const char*>(passphrase->words.data()),
                                            passphrase->words.size())},
                 {"receipt", pages::Message(lang, "done_receipt",
                                            {{"report", ack->report_id}, {"index", index}})}},
                HttpStatus::created);
  };
  Response done = co_await Offload(*d->pool, std::move(submit));
  if (done.status != HttpStatus::created) form.Discard();
  co_return done;
}
#pragma GCC diagnostic pop

}  // namespace

void AddFormRoutes(http::Server& server, FormRouteDeps deps) {
  auto d = std::make_shared<FormRouteDeps>(std::move(deps));
  auto derivations = std::make_shared<std::counting_semaphore<>>(d->concurrent_derivations);

  server.Route(http::Verb::get, "/static/nojs.css",
               [](RequestContext&) -> asio::awaitable<Response> {
                 Response r;
                 r.content_type = "text/css; charset=utf-8";
                 r.body = std::string(pages::Stylesheet());
                 r.headers.set("Cache-Control", "public, max-age=3600");
                 co_return r;
               });

  server.Route(http::Verb::get, kPath, [d](RequestContext& ctx) -> asio::awaitable<Response> {
    std::string_view lang =
        pages::PickLanguage(http::QueryParam(ctx.query(), "lang"), ctx.Header("Accept-Language"));
    std::pair<std::string, std::string> organisation;
    if (d->organisation) organisation = d->organisation();
    co_return Page("report_form", lang,
                   {{"title", pages::Message(lang, "site_title")},
                    {"organisation_name", organisation.first},
                    {"reporter_contact", organisation.second}});
  });

  server.Route(
      http::Verb::post, kPath,
      [d, derivations](RequestContext& ctx) { return SubmitForm(d, derivations, ctx); },
      http::RouteOptions{d->max_request_bytes});
}

}  // namespace vigil::api
