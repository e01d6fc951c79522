// A load generator for the reports API, used by `make bench` and by the crash test: submits
// reports (real age files, to an organisation recipient and a reporter recipient) from many
// keep-alive connections, either as fast as possible or at a fixed rate (open loop: latency is
// measured from each request's scheduled time, so queueing counts). Every acknowledged report's
// lookup id is appended to a file as soon as the 201 arrives, so a test can check later that
// everything acknowledged survived.
//
// Usage: report_load --port P --count N --concurrency C [--rate R] [--acked FILE]
//                    [--first I] [--deadline-s S]
// Lookup ids are SHA-256("load " + index): distinct across runs that use distinct --first.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "base/base64.h"
#include "base/hex.h"
#include "base/random.h"
#include "crypto/age/age.h"
#include "crypto/age/keys.h"
#include "crypto/age/x25519_recipient.h"
#include "crypto/sha256.h"

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using Clock = std::chrono::steady_clock;
using namespace vigil;

// One keep-alive connection; reconnects after any failure.
class Connection {
 public:
  explicit Connection(std::uint16_t port) : port_(port) {}

  // POSTs `body`; the status, or nullopt when the server could not be reached or hung up.
  std::optional<unsigned> Post(const std::string& target, const std::string& body) {
    std::string ignored;
    return Send(bhttp::verb::post, target, body, {}, ignored);
  }

  // Any request; `response` receives the body.
  std::optional<unsigned> Send(bhttp::verb verb, const std::string& target, const std::string& body,
                               const std::vector<std::pair<std::string, std::string>>& headers,
                               std::string& response) {
    for (int attempt = 0; attempt < 2; ++attempt) {
      if (!stream_ && !Connect()) return std::nullopt;
      bhttp::request<bhttp::string_body> req{verb, target, 11};
      req.set(bhttp::field::host, "127.0.0.1");
      req.set(bhttp::field::content_type, "application/json");
      for (const auto& [k, v] : headers) req.set(k, v);
      req.body() = body;
      req.prepare_payload();
      beast::error_code ec;
      stream_->expires_after(std::chrono::seconds(30));
      bhttp::write(*stream_, req, ec);
      if (!ec) {
        bhttp::response<bhttp::string_body> res;
        bhttp::read(*stream_, buffer_, res, ec);
        if (!ec) {
          reused_ = true;
          if (!res.keep_alive()) stream_.reset();
          response = std::move(res.body());
          return res.result_int();
        }
      }
      stream_.reset();
      // A request on a reused connection may meet a connection the server already closed:
      // try once more on a new one. A failure on a new connection is final.
      if (!reused_) return std::nullopt;
    }
    return std::nullopt;
  }

 private:
  bool Connect() {
    stream_.emplace(ioc_);
    beast::error_code ec;
    stream_->expires_after(std::chrono::seconds(5));
    stream_->connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_), ec);
    if (ec) {
      stream_.reset();
      return false;
    }
    reused_ = false;
    return true;
  }

  std::uint16_t port_;
  asio::io_context ioc_;
  std::optional<beast::tcp_stream> stream_;
  beast::flat_buffer buffer_;
  bool reused_ = false;
};

std::string LookupOf(std::uint64_t index) {
  return HexEncode(crypto::Sha256(ToBytes("load " + std::to_string(index))));
}

// The value of the first "key":"value" in a flat JSON text (enough for the API's ids).
std::string FirstString(const std::string& json, const std::string& key) {
  std::string needle = "\"" + key + "\":\"";
  auto at = json.find(needle);
  if (at == std::string::npos) return "";
  auto from = at + needle.size();
  return json.substr(from, json.find('"', from) - from);
}

// Checks that every lookup id in `path` reaches a report whose first message decrypts with
// `identity`. Prints a summary; returns the number of failures.
int Check(std::uint16_t port, const std::string& path, const age::X25519Identity& identity) {
  std::FILE* in = std::fopen(path.c_str(), "r");
  if (!in) {
    std::fprintf(stderr, "report_load: cannot read %s\n", path.c_str());
    return 1;
  }
  Connection connection(port);
  char line[256];
  int checked = 0, bad = 0;
  const age::Identity* ids[] = {&identity};
  while (std::fgets(line, sizeof line, in)) {
    std::string lookup(line);
    while (!lookup.empty() && (lookup.back() == '\n' || lookup.back() == '\r')) lookup.pop_back();
    if (lookup.empty()) continue;
    ++checked;
    std::string view, content;
    auto found = connection.Send(bhttp::verb::post, "/v1/lookups",
                                 "{\"lookup_id\":\"" + lookup + "\"}", {}, view);
    std::string report = FirstString(view, "report_id");
    std::string message = FirstString(view, "id");
    auto got = connection.Send(bhttp::verb::get, "/v1/reports/" + report + "/messages/" + message,
                               "", {{"Vigil-Lookup-Id", lookup}}, content);
    auto plain = age::DecryptBytes(ToBytes(content), ids);
    if (found != 200u || got != 200u || !plain ||
        std::string(plain->begin(), plain->end()).rfind("load report", 0) != 0) {
      if (bad++ < 5)
        std::fprintf(stderr, "report_load: lookup %s is missing or damaged\n", lookup.c_str());
    }
  }
  std::fclose(in);
  std::printf("checked %d acknowledged reports: %d missing or damaged\n", checked, bad);
  return bad;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"report_load: a load generator for POST /v1/reports"};
  std::uint16_t port = 0;
  std::uint64_t count = 1000, first = 0;
  std::size_t concurrency = 64;
  double rate = 0, deadline_s = 600;
  std::string acked_path, org_recipient_text;
  app.add_option("--port", port)->required();
  app.add_option("--count", count);
  app.add_option("--concurrency", concurrency);
  app.add_option("--rate", rate, "requests per second (0: as fast as possible)");
  app.add_option("--acked", acked_path, "append each acknowledged lookup id here");
  app.add_option("--first", first, "index of the first report (lookup ids derive from it)");
  app.add_option("--deadline-s", deadline_s, "stop trying after this long");
  app.add_option("--org-recipient", org_recipient_text, "the organisation recipient");
  std::string check_path, identity_path;
  app.add_option("--check", check_path, "check the lookup ids in this file instead of loading");
  app.add_option("--identity", identity_path, "the organisation identity file, for --check");
  CLI11_PARSE(app, argc, argv);

  if (!check_path.empty()) {
    std::FILE* f = std::fopen(identity_path.c_str(), "r");
    std::string text;
    char buf[4096];
    while (f && std::fgets(buf, sizeof buf, f)) text += buf;
    if (f) std::fclose(f);
    auto identities = age::ParseIdentityFile(text);
    if (!identities || identities->empty()) {
      std::fprintf(stderr, "report_load: --identity is not an age identity file\n");
      return 2;
    }
    return Check(port, check_path, identities->front()) == 0 ? 0 : 1;
  }

  // A pool of distinct real ciphertexts, made before the clock starts.
  SystemRandom random;
  auto reporter = age::X25519Identity::Generate(random);
  auto org = org_recipient_text.empty() ? age::X25519Identity::Generate(random).ToRecipient()
                                        : *age::X25519Recipient::Parse(org_recipient_text);
  auto me = reporter.ToRecipient();
  const age::Recipient* recipients[] = {&org, &me};
  std::vector<std::string> ciphertexts;
  for (int i = 0; i < 64; ++i) {
    std::string text = "load report " + std::to_string(i) + std::string(400, '.');
    ciphertexts.push_back(Base64Encode(*age::EncryptBytes(ToBytes(text), recipients, random)));
  }
  const std::string recipient = me.ToString();

  std::FILE* acked = acked_path.empty() ? nullptr : std::fopen(acked_path.c_str(), "a");
  std::mutex acked_mu;
  std::atomic<std::uint64_t> next{0}, ok{0}, refused{0}, failed{0};
  std::vector<std::vector<double>> latencies(concurrency);
  const auto start = Clock::now();
  const auto deadline = start + std::chrono::duration<double>(deadline_s);

  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < concurrency; ++t) {
    threads.emplace_back([&, t] {
      Connection connection(port);
      while (true) {
        std::uint64_t i = next.fetch_add(1);
        if (i >= count || Clock::now() > deadline) return;
        auto scheduled = Clock::now();
        if (rate > 0) {
          scheduled = start + std::chrono::duration_cast<Clock::duration>(
                                  std::chrono::duration<double>(static_cast<double>(i) / rate));
          std::this_thread::sleep_until(scheduled);
        }
        std::string lookup = LookupOf(first + i);
        std::string body = "{\"lookup_id\":\"" + lookup + "\",\"reporter_recipient\":\"" +
                           recipient + "\",\"ciphertext\":\"" + ciphertexts[i % 64] + "\"}";
        // Retry a report whose request failed (the server is down or restarting) until an
        // answer comes: after a restart a 409 means the lost answer was a success.
        auto status = connection.Post("/v1/reports", body);
        while (!status && Clock::now() < deadline) {
          failed++;
          std::this_thread::sleep_for(std::chrono::milliseconds(20));
          status = connection.Post("/v1/reports", body);
        }
        double ms = std::chrono::duration<double, std::milli>(Clock::now() - scheduled).count();
        if (status == 201u) {
          ok++;
          latencies[t].push_back(ms);
          if (acked) {
            std::lock_guard lock(acked_mu);
            std::fprintf(acked, "%s\n", lookup.c_str());
            std::fflush(acked);
          }
        } else if (status) {
          refused++;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  if (acked) std::fclose(acked);
  double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  std::vector<double> all;
  for (auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  std::sort(all.begin(), all.end());
  auto pct = [&](double p) {
    return all.empty()
               ? 0.0
               : all[std::min(all.size() - 1,
                              static_cast<std::size_t>(p * static_cast<double>(all.size())))];
  };
  std::printf(
      "acknowledged %llu, refused %llu, failed attempts %llu in %.2f s: %.0f reports/s; latency ms "
      "p50 "
      "%.2f p99 %.2f max %.2f\n",
      static_cast<unsigned long long>(ok.load()), static_cast<unsigned long long>(refused.load()),
      static_cast<unsigned long long>(failed.load()), seconds,
      static_cast<double>(ok.load()) / seconds, pct(0.50), pct(0.99),
      all.empty() ? 0.0 : all.back());
  return 0;
}
