// The cases resource (docs/api/openapi.yaml, "cases"): coordinators keep protection cases as
// chains of age-encrypted revisions the server cannot read, record exports in the custody log,
// and fetch the signed receipt of any log entry for a court-ready package
// (docs/formats/case-export.md).
#pragma once

#include <boost/asio/thread_pool.hpp>

#include "accounts/accounts.h"
#include "cases/cases.h"
#include "http/server.h"
#include "store/blob_store.h"
#include "translog/appender.h"
#include "translog/log_directory.h"
#include "translog/signed_note.h"

namespace vigil::api {

struct CaseRouteDeps {
  cases::Cases* cases;
  accounts::Accounts* accounts;  // who may: holders of the organisation key
  const store::BlobStore* blobs;
  const translog::LogDirectory* log;
  translog::VerifierKey log_key;
  boost::asio::thread_pool* pool;
  std::uint64_t max_revision_bytes = 4 << 20;  // base64 included
  const translog::Appender* appender = nullptr;  // how far the log reaches (receipts)
};

// Adds /v1/cases and below, and /v1/receipts/{index}. `deps` must outlive the server.
void AddCaseRoutes(http::Server& server, CaseRouteDeps deps);

}  // namespace vigil::api
