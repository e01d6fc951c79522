// The State cooperation tracker's read-only API (docs/api/openapi.yaml, "states"): public,
// sourced data; an unknown value is null with "known": false, a computed one says "derived".
#pragma once

#include "http/server.h"
#include "tracker/tracker.h"

namespace vigil::api {

// Adds GET /v1/states and GET /v1/states/{iso3}. `data` must outlive the server.
void AddTrackerRoutes(http::Server& server, const tracker::TrackerData& data);

}  // namespace vigil::api
