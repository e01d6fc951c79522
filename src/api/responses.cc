#include "api/responses.h"

#include <cstdio>

#include "translog/receipt.h"

namespace vigil::api {

using http::HttpStatus;
using http::Response;

Response ErrorResponse(const Error& error, std::string_view request_id) {
  switch (error.code) {
    case Errc::kInvalidArgument:
      return Response::Error(HttpStatus::bad_request, "invalid_request",
                             "The request is not valid.");
    case Errc::kMalformed:
      return Response::Error(HttpStatus::bad_request, "invalid_ciphertext",
                             "The ciphertext is not an age file of the expected form.");
    case Errc::kNotFound:
      return Response::Error(HttpStatus::not_found, "not_found", "No such resource.");
    case Errc::kAlreadyExists:
      return Response::Error(HttpStatus::conflict, "conflict", "The resource already exists.");
    case Errc::kUnauthenticated:
      return Response::Error(HttpStatus::unauthorized, "unauthenticated",
                             "Sign in to use this resource.");
    case Errc::kPermissionDenied:
      return Response::Error(HttpStatus::forbidden, "forbidden", "Your role does not allow this.");
    case Errc::kResourceExhausted: {
      Response r = Response::Error(HttpStatus::service_unavailable, "storage_full",
                                   "The server is out of storage space; try again later.");
      r.headers.set("Retry-After", "60");
      return r;
    }
    case Errc::kUnavailable: {
      Response r = Response::Error(HttpStatus::service_unavailable, "unavailable",
                                   "The service is unavailable; try again shortly.");
      r.headers.set("Retry-After", "5");
      return r;
    }
    default:
      break;
  }
  // Unexpected: the detail is for operators, with the request id to find it.
  std::fprintf(stderr, "{\"request_id\":\"%.*s\",\"error\":\"%s\"}\n",
               static_cast<int>(request_id.size()), request_id.data(),
               std::string(ErrcName(error.code)).c_str());
  return Response::Error(HttpStatus::internal_server_error, "internal",
                         "The server failed; the request id identifies it in the server log.");
}

Response ReceiptResponse(const translog::LogDirectory& log, const translog::VerifierKey& key,
                         std::uint64_t index, std::string_view request_id) {
  auto fetch = [&log](const std::string& path) { return log.Read(path); };
  auto receipt = translog::MakeReceipt(fetch, key, index);
  if (!receipt && receipt.error().code == Errc::kInvalidArgument) {
    // Sequenced, but the next checkpoint is not out yet (it follows within a second).
    Response r = Response::Error(HttpStatus::conflict, "receipt_pending",
                                 "The receipt is not ready yet; try again in a second.");
    r.headers.set("Retry-After", "1");
    return r;
  }
  if (!receipt) return ErrorResponse(receipt.error(), request_id);
  Response r;
  r.content_type = "text/plain; charset=utf-8";
  r.body = translog::FormatReceipt(*receipt);
  return r;
}

Response PublicResponse(Response r, std::string_view cache_control) {
  r.headers.set("Cache-Control", cache_control);
  r.headers.set("Access-Control-Allow-Origin", "*");
  r.headers.set("Cross-Origin-Resource-Policy", "cross-origin");
  return r;
}

}  // namespace vigil::api
