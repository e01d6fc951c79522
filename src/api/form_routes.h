// The no-JavaScript reporter form (DESIGN.md section 1, the documented exception): a
// server-rendered page whose multipart submission the server encrypts as it arrives, in memory,
// to the organisation and to a reporter recipient derived from a passphrase the server
// generates and shows once. No plaintext byte is written anywhere: text fields stay in memory
// until the report is encrypted, files pass through the age encryptor straight into the blob
// store. Contract: docs/api/http.md ("No-JavaScript form"); content format:
// docs/formats/report-content.md.
#pragma once

#include <boost/asio/thread_pool.hpp>
#include <functional>
#include <semaphore>
#include <string>

#include "base/random.h"
#include "http/server.h"
#include "reports/reports.h"
#include "store/blob_store.h"

namespace vigil::api {

struct FormRouteDeps {
  reports::Reports* reports;
  const store::BlobStore* blobs;
  boost::asio::thread_pool* pool;
  Random* random;
  std::string instance;  // the log origin, input of the reporter derivations
  // The organisation recipient ("age1…"), or kNotFound before the first administrator.
  std::function<Result<std::string>()> organisation_recipient;
  std::uint64_t max_request_bytes = 2ull << 30;  // the whole form, files included
  // The limit in force (the max_upload_bytes setting), read at each request, at most
  // max_request_bytes. Absent: max_request_bytes.
  std::function<std::uint64_t()> request_limit;
  std::size_t max_files = 16;
  std::ptrdiff_t concurrent_derivations = 2;  // each holds 64 MiB of Argon2id memory
  // Who runs the instance, shown on the form when set (the instance settings), read at each
  // request. Absent: not shown.
  std::function<std::pair<std::string, std::string>()> organisation;  // name, contact
};

// Adds GET and POST /nojs/report and GET /static/nojs.css. `deps` must outlive the server.
void AddFormRoutes(http::Server& server, FormRouteDeps deps);

}  // namespace vigil::api
