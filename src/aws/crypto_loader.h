// libcrypto, loaded at run time. sageguard does not link libcrypto: mapping
// and relocating it costs about 3 ms per process, which every `check`, `fix`
// or `--version` would pay although only requests sent to AWS are signed
// (SigV4: SHA-256 and HMAC-SHA256). The first signature dlopen()s
// libcrypto.so.3 and resolves the three entry points it uses into a table;
// the OpenSSL headers are only included for types.
#pragma once

#include <openssl/evp.h>

#include <cstddef>
#include <string>
#include <vector>

#include "sageguard/result.h"

namespace sageguard::aws {

// The libcrypto functions SigV4 calls, with their real prototypes (checked in
// crypto_loader.cc). Every entry is non-null in a table handed out by the
// functions below.
struct CryptoApi {
  unsigned char* (*sha256)(const unsigned char* data, std::size_t size, unsigned char* md);
  unsigned char* (*hmac)(const EVP_MD* md, const void* key, int key_len, const unsigned char* data,
                         std::size_t data_len, unsigned char* out, unsigned int* out_len);
  const EVP_MD* (*evp_sha256)();
};

// The process-wide table: the first call loads libcrypto.so.3 (falling back
// to libcrypto.so); later calls return the same table, or the same error.
// Thread-safe.
Result<const CryptoApi*> crypto_api();

// Test hook behind crypto_api(): tries `sonames` in order and resolves the
// table from the first one that loads. No caching. The library stays loaded
// on success (the table points into it).
Result<CryptoApi> load_crypto_api(const std::vector<std::string>& sonames);

}  // namespace sageguard::aws
