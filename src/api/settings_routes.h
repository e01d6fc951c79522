// Instance settings (docs/api/openapi.yaml, "settings"): administrators read every setting with
// its default, bounds and source, and change several at once, all or nothing, against the version
// their form was loaded at. The public facts a reporter page needs are in GET /v1/instance.
#pragma once

#include <boost/asio/thread_pool.hpp>

#include "accounts/accounts.h"
#include "http/server.h"
#include "settings/settings.h"

namespace vigil::api {

struct SettingsRouteDeps {
  settings::Settings* settings;
  accounts::Accounts* accounts;  // who may read and change them: administrators
  boost::asio::thread_pool* pool;
};

// Adds GET and PATCH /v1/settings. `deps` must outlive the server.
void AddSettingsRoutes(http::Server& server, SettingsRouteDeps deps);

}  // namespace vigil::api
