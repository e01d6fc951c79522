// Serves the transparency log as C2SP tlog-tiles over HTTP: the checkpoint and hash tiles to
// everyone (tiles immutable and cacheable forever), entry bundles to everyone only when the
// administrator made them public (until access tokens arrive with accounts, issue 5).
// Contract: docs/api/openapi.yaml ("log").
#pragma once

#include "http/server.h"
#include "translog/log_directory.h"

namespace vigil::api {

struct LogRouteOptions {
  bool entries_public = false;
};

// Adds GET /checkpoint and GET /tile/{path...} to `server`. `dir` must outlive the server.
void AddLogRoutes(http::Server& server, const translog::LogDirectory& dir, LogRouteOptions options);

}  // namespace vigil::api
