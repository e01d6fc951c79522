// Published statistics (docs/api/openapi.yaml, "statistics"): coordinators publish aggregate
// tables that pass the small-cell checks; anyone reads them and their signed receipts.
#pragma once

#include <boost/asio/thread_pool.hpp>

#include "accounts/accounts.h"
#include "cases/publications.h"
#include "http/server.h"
#include "translog/log_directory.h"
#include "translog/signed_note.h"

namespace vigil::api {

struct StatisticsRouteDeps {
  cases::Publications* publications;
  accounts::Accounts* accounts;  // who may publish: key holders (coordinators, administrators)
  const translog::LogDirectory* log;
  translog::VerifierKey log_key;
  boost::asio::thread_pool* pool;
};

// Adds /v1/statistics, /v1/statistics/{id} and its receipt. `deps` must outlive the server.
void AddStatisticsRoutes(http::Server& server, StatisticsRouteDeps deps);

}  // namespace vigil::api
