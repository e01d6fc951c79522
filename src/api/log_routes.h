// Serves the transparency log as C2SP tlog-tiles over HTTP: the checkpoint and hash tiles to
// everyone (tiles immutable and cacheable forever), entry bundles to everyone only when the
// administrator made them public, else to mirror and auditor read tokens and to signed-in
// administrators and auditors.
// Contract: docs/api/openapi.yaml ("log").
#pragma once

#include <functional>

#include "http/server.h"
#include "translog/log_directory.h"

namespace vigil::api {

struct LogRouteOptions {
  // Whether entry bundles are public now (an instance setting, read at each request); absent:
  // they are not.
  std::function<bool()> entries_public;
  // When entries are not public: whether this request may read them (a read token or a staff
  // session of the right role). Absent: nobody may.
  std::function<bool(const http::RequestContext&)> may_read_entries;
};

// Adds GET /checkpoint and GET /tile/{path...} to `server`. `dir` must outlive the server.
void AddLogRoutes(http::Server& server, const translog::LogDirectory& dir, LogRouteOptions options);

}  // namespace vigil::api
