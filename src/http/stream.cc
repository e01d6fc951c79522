#include "http/stream.h"

#include <openssl/ssl.h>

namespace vigil::http {

namespace ssl = boost::asio::ssl;

Result<std::shared_ptr<ssl::context>> MakeTlsContext(const std::string& certificate_chain_file,
                                                     const std::string& private_key_file) {
  auto context = std::make_shared<ssl::context>(ssl::context::tls_server);
  boost::system::error_code ec;
  context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                           ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                           ssl::context::no_tlsv1_1 | ssl::context::no_compression |
                           ssl::context::single_dh_use,
                       ec);
  if (!ec) context->use_certificate_chain_file(certificate_chain_file, ec);
  if (ec)
    return MakeError(Errc::kInvalidArgument,
                     "TLS certificate " + certificate_chain_file + ": " + ec.message());
  context->use_private_key_file(private_key_file, ssl::context::pem, ec);
  if (ec)
    return MakeError(Errc::kInvalidArgument, "TLS key " + private_key_file + ": " + ec.message());
  if (SSL_CTX_check_private_key(context->native_handle()) != 1)
    return MakeError(Errc::kInvalidArgument, "the TLS key does not match the certificate");
  SSL_CTX_set_options(context->native_handle(), SSL_OP_NO_RENEGOTIATION);
  return context;
}

}  // namespace vigil::http
