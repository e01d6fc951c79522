// ChaCha20-Poly1305 on one 64 KiB age chunk: OpenSSL 3 against libsodium, to choose the payload
// backend (docs/decisions/0002-payload-cipher-backend.md). bench/run.sh prints the ratio.
#include <benchmark/benchmark.h>

#include "crypto/aead.h"

namespace {

template <vigil::crypto::AeadBackend kBackend>
void BM_SealChunk(benchmark::State& state) {
  vigil::Bytes key(32, 7), buf(65536 + 16, 1);
  vigil::crypto::ChaCha20Poly1305 aead(key, kBackend);
  vigil::crypto::AeadNonce nonce{};
  for (auto _ : state) {
    aead.Seal(nonce, vigil::ByteSpan(buf.data(), 65536), buf);
    benchmark::DoNotOptimize(buf.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * 65536);
}

template <vigil::crypto::AeadBackend kBackend>
void BM_OpenChunk(benchmark::State& state) {
  vigil::Bytes key(32, 7), sealed(65536 + 16, 1), plain(65536);
  vigil::crypto::ChaCha20Poly1305 aead(key, kBackend);
  vigil::crypto::AeadNonce nonce{};
  aead.Seal(nonce, vigil::ByteSpan(plain.data(), 65536), sealed);
  for (auto _ : state) {
    bool ok = aead.Open(nonce, sealed, plain);
    benchmark::DoNotOptimize(ok);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * 65536);
}

using vigil::crypto::AeadBackend;
BENCHMARK(BM_SealChunk<AeadBackend::kOpenSsl>)->Name("seal/openssl");
BENCHMARK(BM_SealChunk<AeadBackend::kLibsodium>)->Name("seal/libsodium");
BENCHMARK(BM_OpenChunk<AeadBackend::kOpenSsl>)->Name("open/openssl");
BENCHMARK(BM_OpenChunk<AeadBackend::kLibsodium>)->Name("open/libsodium");

}  // namespace

BENCHMARK_MAIN();
