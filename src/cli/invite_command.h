// Invitations issued from the command line while vigild is stopped: the first administrator's
// (by `vigil init`) and a new one when every administrator's access is lost (`vigil invite`).
#pragma once

#include <string>

#include "accounts/accounts.h"
#include "server/config.h"

namespace vigil::cli {

// Opens the instance of `config` (the log's lock fails while vigild runs), brings its database
// up to date with the log, and commits an invitation to `role`.
Result<accounts::Invitation> InviteOffline(const server::Config& config, accounts::Role role);

// The one-time link of an invitation on the instance's own address. The token is in the
// fragment, which browsers never send to a server or put in a Referer.
std::string JoinLink(const server::Config& config, const std::string& token);

}  // namespace vigil::cli
