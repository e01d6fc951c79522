// The uploads resource (docs/api/openapi.yaml, "uploads"): tus 1.0.0 resumable uploads of
// evidence files (core, creation, termination, expiration, checksum with sha256) for anonymous
// reporters. A finished upload is an age file the server checked and cannot read; a report or a
// message then names it (report_routes.h, UploadClaim).
#pragma once

#include <boost/asio/thread_pool.hpp>
#include <memory>

#include "http/server.h"
#include "uploads/uploads.h"

namespace vigil::api {

struct UploadRouteDeps {
  // Shared with the claim of the report routes; kept alive by the routes.
  std::shared_ptr<uploads::Uploads> uploads;
  boost::asio::thread_pool* pool;  // blocking disk work; must outlive the server's requests
};

// Adds OPTIONS and POST /v1/uploads, HEAD, PATCH and DELETE /v1/uploads/{id}. PATCH bodies are
// streamed to disk in constant memory, with up to max_upload_bytes per request.
void AddUploadRoutes(http::Server& server, UploadRouteDeps deps);

}  // namespace vigil::api
