// vigild: the Vigil server. Loads and validates the configuration, opens the log, serves HTTP,
// and shuts down gracefully on SIGTERM or SIGINT. Startup failures print one line each and exit 1.
#include <signal.h>

#include <CLI/CLI.hpp>
#include <boost/asio/thread_pool.hpp>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "api/log_routes.h"
#include "api/report_routes.h"
#include "api/upload_routes.h"
#include "base/random.h"
#include "http/server.h"
#include "records/ledger.h"
#include "reports/reports.h"
#include "server/config.h"
#include "store/blob_store.h"
#include "store/postgres_database.h"
#include "store/sqlite_database.h"
#include "translog/appender.h"
#include "uploads/uploads.h"

namespace {

using namespace vigil;

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

int Run(const std::string& config_path, const std::vector<std::string>& overrides) {
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
  if (!key_text) return Fail(key_text.error().detail + " (run vigil init)");
  while (!key_text->empty() && key_text->back() == '\n') key_text->pop_back();
  auto key = translog::ParseSignerKey(*key_text);
  SecureZero(key_text->data(), key_text->size());
  if (!key) return Fail("keys/log.key is not a log signer key");
  const translog::VerifierKey log_key = key->verifier_key();

  Result<std::unique_ptr<store::Database>> database =
      config.database == "sqlite" ? store::OpenSqlite(config.data_dir / "vigil.db")
                                  : store::OpenPostgres(config.database);
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
  // applied now, before anything is served (decision 0004).
  SystemClock clock;
  SystemRandom random;
  records::Ledger ledger(**blobs, **appender, **database, clock);
  reports::Reports reports(ledger, **database, random);
  if (auto same = records::SameFileSystem(config.data_dir / "blobs", log_options.dir);
      same && *same)
    ledger.LetTheLogSyncBlobs();
  auto caught_up = ledger.CatchUp(*log_dir);
  if (!caught_up) return Fail("cannot index the log: " + caught_up.error().ToString());
  if (*caught_up > 0)
    std::fprintf(stderr, "vigild: indexed %llu log entries left by an interrupted run\n",
                 static_cast<unsigned long long>(*caught_up));
  // Blocking work (fsyncs, database commits) runs here, off the I/O threads, so that many
  // requests wait on one group commit together.
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
  http::Server server(options);
  api::AddLogRoutes(server, *log_dir, {config.log_entries_public});
  api::ReportRouteDeps report_deps;
  report_deps.reports = &reports;
  report_deps.blobs = blobs->get();
  report_deps.log = &*log_dir;
  report_deps.log_key = log_key;
  report_deps.pool = &blocking;
  report_deps.max_message_bytes = config.max_body_bytes;
  // --- tus uploads (src/uploads, src/api/upload_routes.h): evidence files arrive resumably
  // under data_dir/uploads and become attachment blobs when a report or message claims them.
  // The routes and the claim share the store, which lives as long as the server's routes.
  uploads::UploadsOptions upload_options;
  upload_options.max_upload_bytes = config.max_upload_bytes;
  upload_options.quota_bytes = config.upload_quota_bytes;
  upload_options.disk_reserve_bytes = config.disk_reserve_bytes;
  upload_options.expiry = config.upload_expiry;
  auto opened_uploads =
      uploads::Uploads::Open(config.data_dir / "uploads", **blobs, clock, random, upload_options);
  if (!opened_uploads) return Fail("cannot open the uploads: " + opened_uploads.error().detail);
  std::shared_ptr<uploads::Uploads> upload_store = std::move(*opened_uploads);
  upload_store->StartSweeper(std::chrono::minutes(1));
  api::AddUploadRoutes(server, {upload_store, &blocking});
  report_deps.claim_upload = [upload_store](std::string_view id) {
    return upload_store->Claim(id);
  };
  // --- end of tus uploads
  api::AddReportRoutes(server, std::move(report_deps));
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
  if (auto started = server.Start(); !started) return Fail(started.error().detail);
  std::printf("vigild: listening on http://%s:%u\n", config.listen_address.c_str(), server.port());
  std::fflush(stdout);

  int signal_number = 0;
  sigwait(&signals, &signal_number);
  std::fprintf(stderr, "vigild: %s received, draining\n",
               signal_number == SIGTERM ? "SIGTERM" : "SIGINT");
  server.Shutdown();
  blocking.join();
  appender->reset();  // finishes queued appends and publishes a last checkpoint
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"vigild: the Vigil server"};
  std::string config_path;
  std::vector<std::string> overrides;
  app.add_option("--config", config_path, "Configuration file (vigil init writes one)")->required();
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
  return Run(config_path, overrides);
}
