// The byte stream of one server connection: plain TCP, or TLS over TCP when the server has a
// certificate (native TLS for deployments without a reverse proxy). One type for both, so the
// connection code is written once; time-outs are set on the TCP layer underneath either.
#pragma once

#include <boost/asio/async_result.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <memory>
#include <optional>
#include <string>

#include "base/error.h"

namespace vigil::http {

// A TLS server context from PEM files: the certificate chain (leaf first) and its private key.
// TLS 1.2 and 1.3 only, no compression, no renegotiation. kInvalidArgument with OpenSSL's reason
// when a file is missing or the key does not match the certificate.
Result<std::shared_ptr<boost::asio::ssl::context>> MakeTlsContext(
    const std::string& certificate_chain_file, const std::string& private_key_file);

class ServerStream {
 public:
  using executor_type = boost::beast::tcp_stream::executor_type;

  // `tls` null: plain TCP.
  ServerStream(boost::asio::ip::tcp::socket socket, boost::asio::ssl::context* tls) {
    if (tls != nullptr)
      tls_.emplace(boost::beast::tcp_stream(std::move(socket)), *tls);
    else
      plain_.emplace(std::move(socket));
  }

  executor_type get_executor() { return tcp().get_executor(); }
  boost::beast::tcp_stream& tcp() { return tls_ ? tls_->next_layer() : *plain_; }
  boost::asio::ip::tcp::socket& socket() { return tcp().socket(); }
  void expires_after(std::chrono::steady_clock::duration d) { tcp().expires_after(d); }
  bool is_tls() const { return tls_.has_value(); }
  boost::beast::ssl_stream<boost::beast::tcp_stream>& tls() { return *tls_; }

  template <typename Buffers, typename Token>
  auto async_read_some(const Buffers& buffers, Token&& token) {
    return boost::asio::async_initiate<Token, void(boost::beast::error_code, std::size_t)>(
        [this](auto handler, const Buffers& b) {
          if (tls_)
            tls_->async_read_some(b, std::move(handler));
          else
            plain_->async_read_some(b, std::move(handler));
        },
        token, buffers);
  }

  template <typename Buffers, typename Token>
  auto async_write_some(const Buffers& buffers, Token&& token) {
    return boost::asio::async_initiate<Token, void(boost::beast::error_code, std::size_t)>(
        [this](auto handler, const Buffers& b) {
          if (tls_)
            tls_->async_write_some(b, std::move(handler));
          else
            plain_->async_write_some(b, std::move(handler));
        },
        token, buffers);
  }

 private:
  std::optional<boost::beast::tcp_stream> plain_;
  std::optional<boost::beast::ssl_stream<boost::beast::tcp_stream>> tls_;
};

}  // namespace vigil::http
