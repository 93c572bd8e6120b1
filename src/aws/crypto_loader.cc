// Loads libcrypto with dlopen at the first signature (see crypto_loader.h for
// why).
#include "aws/crypto_loader.h"

#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <type_traits>

#include "aws/dl_util.h"

namespace sageguard::aws {

namespace {

// The table's types must be the real prototypes: a mismatch would be an ABI
// error at run time, so catch it against the OpenSSL headers here. decltype
// does not reference the symbols, so nothing is linked.
static_assert(std::is_same_v<decltype(CryptoApi::sha256), decltype(&SHA256)>);
static_assert(std::is_same_v<decltype(CryptoApi::hmac), decltype(&HMAC)>);
static_assert(std::is_same_v<decltype(CryptoApi::evp_sha256), decltype(&EVP_sha256)>);

}  // namespace

Result<CryptoApi> load_crypto_api(const std::vector<std::string>& sonames) {
  SG_ASSIGN_OR_RETURN(const dl::Opened opened,
                      dl::open_first(sonames, "libcrypto (needed to sign AWS requests)",
                                     "libssl3 (Debian/Ubuntu) or OpenSSL 3"));
  CryptoApi api{};
  std::string missing;
  dl::resolve(opened.handle, "SHA256", api.sha256, missing);
  dl::resolve(opened.handle, "HMAC", api.hmac, missing);
  dl::resolve(opened.handle, "EVP_sha256", api.evp_sha256, missing);
  if (!missing.empty()) return dl::unusable(opened, "libcrypto", missing);
  return api;
}

Result<const CryptoApi*> crypto_api() {
  // Loaded once (a function-local static is initialised exactly once, even
  // under concurrent first calls); the library is never unloaded, since the
  // table points into it.
  static const Result<CryptoApi> loaded = load_crypto_api({"libcrypto.so.3", "libcrypto.so"});
  if (!loaded.ok()) return loaded.error();
  return &*loaded;
}

}  // namespace sageguard::aws
