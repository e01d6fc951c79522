// The reports resource (docs/api/openapi.yaml, "reports"): reporters submit reports and
// follow-ups and read their thread with the lookup id derived from their passphrase;
// coordinators list, read and reply. Every body in and out is ciphertext.
#pragma once

#include <boost/asio/thread_pool.hpp>
#include <functional>

#include "http/server.h"
#include "reports/reports.h"
#include "store/blob_store.h"
#include "translog/log_directory.h"
#include "translog/signed_note.h"

namespace vigil::api {

// Who is asking, for staff routes: the pseudonymous actor id of a signed-in coordinator, or
// kUnauthenticated / kPermissionDenied. Supplied by the accounts resource.
using StaffCheck = std::function<Result<translog::ActorId>(const http::RequestContext&)>;

// Upload ids to the finished evidence blobs they name, claimed for one message, all or none
// (kNotFound when one id names no finished upload). Supplied by the uploads resource.
using UploadClaim = std::function<Result<std::vector<reports::AttachmentBlob>>(
    const std::vector<std::string>& upload_ids)>;

struct ReportRouteDeps {
  reports::Reports* reports;
  const store::BlobStore* blobs;
  const translog::LogDirectory* log;
  translog::VerifierKey log_key;
  boost::asio::thread_pool* pool;
  StaffCheck staff;
  StaffCheck admin;  // who may delete a report: administrators

  UploadClaim claim_uploads;
  std::uint64_t max_message_bytes = 4 << 20;  // a report or reply ciphertext, base64 included
};

// A stored age file as a response body, streamed from its blob (the record header skipped).
http::Response CiphertextResponse(const store::BlobStore& blobs, const reports::Location& where,
                                  std::string_view request_id);

// Adds the /v1/reports, /v1/lookups routes. Everything in `deps` must outlive the server.
void AddReportRoutes(http::Server& server, ReportRouteDeps deps);

}  // namespace vigil::api
