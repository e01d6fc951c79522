// The State cooperation tracker's API (docs/api/openapi.yaml, "states"): public, sourced data
// (an unknown value is null with "known": false, a computed one says "derived"), the public
// change history, export as CSV or JSON, and editors' changes and imports.
#pragma once

#include <boost/asio/thread_pool.hpp>

#include "accounts/accounts.h"
#include "http/server.h"
#include "tracker/edits.h"

namespace vigil::api {

struct TrackerRouteDeps {
  tracker::TrackerEdits* edits;
  accounts::Accounts* accounts;  // who may edit: editors and administrators
  boost::asio::thread_pool* pool;
};

// Adds /v1/states, /v1/states/{iso3}, its history and edits, and /v1/tracker/changes, export
// and import. `deps` must outlive the server.
void AddTrackerRoutes(http::Server& server, TrackerRouteDeps deps);

}  // namespace vigil::api
