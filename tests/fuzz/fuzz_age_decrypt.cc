// Fuzzes the whole decryption path (armor detection, header, X25519 and scrypt unwrapping, MAC,
// STREAM payload) with the identity of the C2SP/CCTV vectors, so seeds from testdata/age reach
// the payload code.
#include "crypto/age/age.h"
#include "crypto/age/scrypt_recipient.h"
#include "crypto/age/x25519_recipient.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const auto* identity = new vigil::age::X25519Identity(*vigil::age::X25519Identity::Parse(
      "AGE-SECRET-KEY-1EGTZVFFV20835NWYV6270LXYVK2VKNX2MMDKWYKLMGR48UAWX40Q2P2LM0"));
  // A low work-factor ceiling keeps each run fast; higher factors are refused before any work.
  static const auto* passphrase =
      new vigil::age::ScryptIdentity(vigil::SecretBytes(vigil::AsBytes("password")), 10);
  const vigil::age::Identity* identities[] = {identity, passphrase};
  vigil::age::DecryptOptions options;
  options.header_limits.max_header_bytes = 64 * 1024;
  options.stream = {2, 1};
  vigil::MemorySource mem(vigil::ByteSpan(data, size));
  auto dec = vigil::age::Decryptor::Open(mem, identities, options);
  if (!dec) return 0;
  vigil::Bytes buf(70000);
  while (true) {
    auto n = (*dec)->Read(buf);
    if (!n || *n == 0) break;
  }
  return 0;
}
