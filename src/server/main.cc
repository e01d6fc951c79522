// vigild: the Vigil server. Loads and validates the configuration, opens the log, serves HTTP,
// and shuts down gracefully on SIGTERM or SIGINT. Startup failures print one line each and exit 1.
#include <signal.h>

#include <CLI/CLI.hpp>
#include <boost/asio/thread_pool.hpp>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "accounts/accounts.h"
#include "api/account_routes.h"
#include "api/case_routes.h"
#include "api/form_routes.h"
#include "api/log_routes.h"
#include "api/report_routes.h"
#include "api/settings_routes.h"
#include "api/static_routes.h"
#include "api/statistics_routes.h"
#include "api/tracker_routes.h"
#include "api/upload_routes.h"
#include "base/random.h"
#include "crypto/age/x25519_recipient.h"
#include "http/server.h"
#include "http/stream.h"
#include "records/ledger.h"
#include "reports/reports.h"
#include "server/config.h"
#include "server/onion.h"
#include "settings/settings.h"
#include "store/blob_store.h"
#include "store/postgres_database.h"
#include "store/sqlite_database.h"
#include "translog/appender.h"
#include "uploads/uploads.h"

namespace {

using namespace vigil;

// The starting values of the instance settings: vigil.conf over the built-in defaults.
settings::InstanceSettings FileSettings(const server::Config& c) {
  settings::InstanceSettings s;
  s.organisation_name = c.organisation_name;
  s.reporter_contact = c.reporter_contact;
  s.max_upload_bytes = static_cast<std::int64_t>(c.max_upload_bytes);
  s.upload_expiry_hours = c.upload_expiry.count();
  s.session_idle_minutes = std::chrono::duration_cast<std::chrono::minutes>(c.session_idle).count();
  s.session_hours = std::chrono::duration_cast<std::chrono::hours>(c.session_lifetime).count();
  s.max_failed_logins = c.max_failed_logins;
  s.login_lockout_minutes =
      std::chrono::duration_cast<std::chrono::minutes>(c.login_lockout).count();
  s.log_entries_public = c.log_entries_public;
  s.statistics_min_cell = c.statistics_min_cell;
  return s;
}

int Fail(const std::string& line) {
  std::fprintf(stderr, "vigild: %s\n", line.c_str());
  return 1;
}

Result<std::string> ReadText(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return MakeError(Errc::kIo, "cannot read " + path.string());
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int Run(const std::string& config_path, const std::vector<std::string>& overrides,
        bool list_routes) {
  auto text = ReadText(config_path);
  if (!text) return Fail(text.error().detail);
  server::Config config;
  std::filesystem::path base = std::filesystem::absolute(config_path).parent_path();
  auto errors = server::ParseConfig(config_path, *text, overrides, base, config);
  if (!errors.lines.empty()) {
    for (const auto& line : errors.lines) std::fprintf(stderr, "vigild: %s\n", line.c_str());
    return 1;
  }
  auto key_text = ReadText(config.data_dir / "keys" / "log.key");
  if (!key_text)
    return Fail(key_text.error().detail +
                " (a new instance: vigil init; a restored one: put back its keys, "
                "docs/operations/configuration.md)");
  while (!key_text->empty() && key_text->back() == '\n') key_text->pop_back();
  auto key = translog::ParseSignerKey(*key_text);
  SecureZero(key_text->data(), key_text->size());
  if (!key) return Fail("keys/log.key is not a log signer key");
  const translog::VerifierKey log_key = key->verifier_key();
  // The server key opens TOTP seeds; mirrors never get it (DESIGN.md section 3).
  auto server_key_text = ReadText(config.data_dir / "keys" / "server.key");
  if (!server_key_text)
    return Fail(server_key_text.error().detail +
                " (a new instance: vigil init; a restored one: put back its keys, "
                "docs/operations/configuration.md)");
  while (!server_key_text->empty() && server_key_text->back() == '\n') server_key_text->pop_back();
  auto server_key = age::X25519Identity::Parse(*server_key_text);
  SecureZero(server_key_text->data(), server_key_text->size());
  if (!server_key) return Fail("keys/server.key is not an age identity");

  Result<std::unique_ptr<store::Database>> database =
      config.database == "sqlite"
          ? store::OpenSqlite(config.data_dir / "vigil.db")
          : store::OpenPostgres(config.database, {.connections = config.database_connections});
  if (!database) return Fail("cannot open the database: " + database.error().detail);
  auto blobs = store::BlobStore::Open(config.data_dir / "blobs", {config.disk_reserve_bytes});
  if (!blobs) return Fail("cannot open the blob store: " + blobs.error().detail);

  translog::AppenderOptions log_options;
  log_options.dir = config.data_dir / "log";
  log_options.origin = config.log_origin;
  auto appender = translog::Appender::Open(log_options, std::move(*key));
  if (!appender) return Fail("cannot open the log: " + appender.error().ToString());
  auto log_dir = translog::LogDirectory::Open(log_options.dir);
  if (!log_dir) return Fail(log_dir.error().ToString());

  // The index catches up with the log: entries a crash left sequenced but unindexed are
  // applied now, before anything is served (decision 0004), after the entries of a last batch
  // the index holds but the crash took from the log are put back (decision 0013).
  SystemClock clock;
  SystemRandom random;
  records::Ledger ledger(**blobs, **appender, **database, clock);
  reports::Reports reports(ledger, **database, random);
  // Instance settings: vigil.conf gives the starting values, an administrator's changes in the
  // log win. Every reader below takes the current snapshot at each use.
  settings::Settings instance_settings(ledger, **database, random, FileSettings(config));
  accounts::AccountsOptions account_options;
  account_options.policy = [&instance_settings] {
    auto now = instance_settings.Current();
    return accounts::SessionPolicy{
        std::chrono::minutes(now->session_idle_minutes), std::chrono::hours(now->session_hours),
        static_cast<int>(now->max_failed_logins), std::chrono::minutes(now->login_lockout_minutes)};
  };
  accounts::Accounts accounts(ledger, **database, random, clock, &*server_key, config.log_origin,
                              account_options);
  // The State cooperation tracker: its compiled-in data are checked now (fail fast).
  auto tracker_data = tracker::LoadBuiltinTracker();
  if (!tracker_data) return Fail("tracker data: " + tracker_data.error().detail);
  tracker::TrackerEdits tracker_edits(ledger, **database, random, *tracker_data);
  cases::Publications publications(ledger, **database, random, [&instance_settings] {
    return instance_settings.Current()->statistics_min_cell;
  });
  cases::Cases cases(ledger, **database, random);
  if (auto same = records::SameFileSystem(config.data_dir / "blobs", log_options.dir);
      same && *same)
    ledger.LetTheLogSyncBlobs();
  auto caught_up = ledger.CatchUp(*log_dir);
  if (caught_up) {
    auto stored = instance_settings.Load();
    if (!stored) return Fail("cannot read the instance settings: " + stored.error().ToString());
    for (const std::string& line : *stored)
      std::fprintf(stderr, "vigild: instance setting %s\n", line.c_str());
  }
  if (auto swept = accounts.Sweep(); !swept)
    return Fail("cannot open the accounts: " + swept.error().ToString());
  if (!caught_up) return Fail("cannot index the log: " + caught_up.error().ToString());
  if (*caught_up > 0)
    std::fprintf(stderr,
                 "vigild: restored or indexed %llu log entries left by an interrupted run\n",
                 static_cast<unsigned long long>(*caught_up));
  // Blocking work (fsyncs, database commits) runs here, off the I/O threads, so that many
  // requests wait on one group commit together. Reports and messages only queue their commit
  // here and are answered by its continuation (api::OffloadThen, decision 0014).
  boost::asio::thread_pool blocking(config.blocking_threads);

  // Signals are taken by this thread alone (sigwait below): block them before any thread starts.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  http::ServerOptions options;
  options.address = config.listen_address;
  options.port = config.listen_port;
  options.threads = config.threads;
  options.default_body_limit = config.max_body_bytes;
  options.max_connections = config.max_connections;
  options.header_timeout = config.header_timeout;
  options.body_timeout = config.body_timeout;
  if (!config.tls_certificate.empty()) {
    auto tls = http::MakeTlsContext(config.tls_certificate.string(), config.tls_key.string());
    if (!tls) return Fail(tls.error().detail);
    options.tls = std::move(*tls);
  }
  http::Server server(options);
  // Entry bundles: read tokens (mirrors, auditors) and signed-in administrators and auditors.
  auto may_read_entries = [&accounts](const http::RequestContext& ctx) {
    auto who = api::RequestPrincipal(accounts, ctx);
    return who && who->role != accounts::Role::kCoordinator;
  };
  api::AddLogRoutes(
      server, *log_dir,
      {[&instance_settings] { return instance_settings.Current()->log_entries_public; },
       may_read_entries});
  api::AddSettingsRoutes(server, {&instance_settings, &accounts, &blocking});
  api::AddTrackerRoutes(server, {&tracker_edits, &accounts, &blocking});
  api::AddStatisticsRoutes(server, {&publications, &accounts, &*log_dir, log_key, &blocking});
  api::AddCaseRoutes(server, {&cases, &accounts, blobs->get(), &*log_dir, log_key, &blocking,
                              config.max_body_bytes, appender->get()});
  api::FormRouteDeps form_deps;
  form_deps.reports = &reports;
  form_deps.blobs = blobs->get();
  form_deps.pool = &blocking;
  form_deps.random = &random;
  form_deps.instance = config.log_origin;
  form_deps.organisation_recipient = [&accounts]() -> Result<std::string> {
    VIGIL_ASSIGN_OR_RETURN(accounts::KeyGeneration current, accounts.CurrentKey());
    return current.recipient;
  };
  // The route admits the largest form the setting allows; each form is held to the value in
  // force when it arrives.
  form_deps.max_request_bytes =
      static_cast<std::uint64_t>(settings::FindSpec("max_upload_bytes")->max);
  form_deps.request_limit = [&instance_settings] {
    return static_cast<std::uint64_t>(instance_settings.Current()->max_upload_bytes);
  };
  form_deps.organisation = [&instance_settings] {
    auto now = instance_settings.Current();
    return std::pair{now->organisation_name, now->reporter_contact};
  };
  api::AddFormRoutes(server, std::move(form_deps));
  api::AddAccountRoutes(
      server, {&accounts, &blocking, config.log_origin,
               static_cast<std::int64_t>(config.session_lifetime.count()), &instance_settings});
  api::ReportRouteDeps report_deps;
  report_deps.reports = &reports;
  report_deps.blobs = blobs->get();
  report_deps.log = &*log_dir;
  report_deps.log_key = log_key;
  report_deps.pool = &blocking;
  report_deps.max_message_bytes = config.max_body_bytes;
  // Reports are for the key holders: administrators and coordinators.
  report_deps.staff = [&accounts](const http::RequestContext& ctx) -> Result<translog::ActorId> {
    VIGIL_ASSIGN_OR_RETURN(accounts::Principal who, api::RequestPrincipal(accounts, ctx));
    if (!accounts::HoldsOrganisationKey(who.role))
      return MakeError(Errc::kPermissionDenied, "reports are for coordinators");
    return who.actor;
  };
  report_deps.admin = [&accounts](const http::RequestContext& ctx) -> Result<translog::ActorId> {
    VIGIL_ASSIGN_OR_RETURN(accounts::Principal who, api::RequestPrincipal(accounts, ctx));
    if (who.role != accounts::Role::kAdmin)
      return MakeError(Errc::kPermissionDenied, "administrators only");
    return who.actor;
  };
  // --- tus uploads (src/uploads, src/api/upload_routes.h): evidence files arrive resumably
  // under data_dir/uploads and become attachment blobs when a report or message claims them.
  // The routes and the claim share the store, which lives as long as the server's routes.
  uploads::UploadsOptions upload_options;
  // One request's body may be as large as the largest upload the setting allows; each upload's
  // own length is checked against the value in force when it is created.
  upload_options.max_upload_bytes =
      static_cast<std::uint64_t>(settings::FindSpec("max_upload_bytes")->max);
  upload_options.limits = [&instance_settings] {
    auto now = instance_settings.Current();
    return uploads::UploadLimits{static_cast<std::uint64_t>(now->max_upload_bytes),
                                 std::chrono::hours(now->upload_expiry_hours)};
  };
  upload_options.quota_bytes = config.upload_quota_bytes;
  upload_options.disk_reserve_bytes = config.disk_reserve_bytes;
  upload_options.expiry = config.upload_expiry;
  auto opened_uploads =
      uploads::Uploads::Open(config.data_dir / "uploads", **blobs, clock, random, upload_options);
  if (!opened_uploads) return Fail("cannot open the uploads: " + opened_uploads.error().detail);
  std::shared_ptr<uploads::Uploads> upload_store = std::move(*opened_uploads);
  upload_store->StartSweeper(std::chrono::minutes(1));
  api::AddUploadRoutes(server, {upload_store, &blocking});
  report_deps.claim_uploads = [upload_store](const std::vector<std::string>& ids) {
    return upload_store->ClaimAll(ids);
  };
  // --- end of tus uploads
  api::AddReportRoutes(server, std::move(report_deps));
  // --- web client (src/api/static_routes.h): the pages and assets `make build` writes to
  // web/dist, read once here and served from this origin. A configured web_root must hold a
  // built client; the compiled-in default may be absent (the no-JavaScript form still works).
  {
    std::filesystem::path web_root =
        config.web_root.empty() ? std::filesystem::path(VIGIL_DEFAULT_WEB_ROOT) : config.web_root;
    auto web_files = api::StaticFiles::Load(web_root);
    if (!web_files) return Fail("cannot read the web client: " + web_files.error().detail);
    if (!web_files->HasClient()) {
      if (!config.web_root.empty())
        return Fail("web_root " + web_root.string() + " holds no built client (make build)");
      std::fprintf(stderr, "vigild: no web client in %s (make build); serving the API and %s\n",
                   web_root.c_str(), "/nojs/report");
    }
    api::AddStaticRoutes(server, std::make_shared<const api::StaticFiles>(std::move(*web_files)));
  }
  // --- end of web client
  translog::Appender* log = appender->get();
  store::Database* db = database->get();
  auto healthz = [log, db](http::RequestContext&) -> boost::asio::awaitable<http::Response> {
    // The database answering a trivial query is part of being healthy: a load balancer or a
    // mirror watching this sees 503 when it goes away.
    Status reachable = db->Read([](store::Transaction& t) { return t.Execute("SELECT 1"); });
    if (!reachable)
      co_return http::Response::Error(http::HttpStatus::service_unavailable, "database_unavailable",
                                      "The database is not available.");
    co_return http::Response::Json(
        "{\"status\":\"ok\",\"log_size\":" + std::to_string(log->size()) + "}");
  };
  server.Route(http::Verb::get, "/healthz", healthz);
  server.Route(http::Verb::get, "/metrics",
               [log, &server](http::RequestContext&) -> boost::asio::awaitable<http::Response> {
                 http::Response r;
                 r.content_type = "text/plain; version=0.0.4";
                 r.body =
                     "# HELP vigil_log_size Entries durably sequenced in the transparency log.\n"
                     "# TYPE vigil_log_size gauge\nvigil_log_size " +
                     std::to_string(log->size()) +
                     "\n# HELP vigil_log_checkpoint_size Size of the latest published checkpoint.\n"
                     "# TYPE vigil_log_checkpoint_size gauge\nvigil_log_checkpoint_size " +
                     std::to_string(log->checkpoint_size()) +
                     "\n# HELP vigil_http_open_connections Open HTTP connections.\n"
                     "# TYPE vigil_http_open_connections gauge\nvigil_http_open_connections " +
                     std::to_string(server.open_connections()) + "\n";
                 co_return r;
               });
  if (list_routes) {
    for (const auto& route : server.RouteList()) std::printf("%s\n", route.c_str());
    return 0;
  }
  if (auto started = server.Start(); !started) return Fail(started.error().detail);
  std::printf("vigild: listening on %s://%s:%u\n", options.tls ? "https" : "http",
              config.listen_address.c_str(), server.port());
  std::fflush(stdout);
  // Onion service (onion = true): a tor child process in front of the server while vigild
  // runs; it prints the address, and stops tor when `onion` goes out of scope.
  auto onion = server::StartConfiguredOnionService(config, server.port());
  if (!onion) return Fail("cannot start the onion service: " + onion.error().detail);

  int signal_number = 0;
  sigwait(&signals, &signal_number);
  std::fprintf(stderr, "vigild: %s received, draining\n",
               signal_number == SIGTERM ? "SIGTERM" : "SIGINT");
  server.Shutdown();
  blocking.join();
  appender->reset();  // finishes queued appends and publishes a last checkpoint
  // The index updates those appends queued answer their requests through the server's
  // executor (api::OffloadThen): let them finish while it still exists. Writes run in order, so
  // this empty one returns after every earlier one has answered.
  (void)(*database)->Write([](store::Transaction&) { return OkStatus(); });
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"vigild: the Vigil server"};
  std::string config_path;
  std::vector<std::string> overrides;
  app.add_option("--config", config_path, "Configuration file (vigil init writes one)")->required();
  bool list_routes = false;
  app.add_flag("--list-routes", list_routes,
               "Print every route (METHOD pattern) and exit without serving (for contract tests)");
  app.add_option("--set", overrides, "Override a configuration key: --set key=value")
      ->allow_extra_args(false);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "vigild: %s (see --help)\n", e.what());
    return 2;
  }
  return Run(config_path, overrides, list_routes);
}
