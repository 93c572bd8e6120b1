// Loads libcrypto with dlopen at the first signature (see crypto_loader.h for
// why).
#include "aws/crypto_loader.h"

#include <dlfcn.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <mutex>
#include <type_traits>
#include <utility>

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
  const dl::Opened opened = dl::open_first(sonames);
  if (opened.handle == nullptr) {
    return Error::make(ErrorCode::aws,
                       "libcrypto (needed to sign AWS requests) could not be loaded (tried " +
                           dl::joined(sonames) + "): " + opened.first_error +
                           "; install libssl3 (Debian/Ubuntu) or OpenSSL 3");
  }
  void* lib = opened.handle;

  CryptoApi api{};
  std::string missing;
  dl::resolve(lib, "SHA256", api.sha256, missing);
  dl::resolve(lib, "HMAC", api.hmac, missing);
  dl::resolve(lib, "EVP_sha256", api.evp_sha256, missing);
  if (!missing.empty()) {
    const std::string where = dl::describe(lib, opened.soname);
    dlclose(lib);
    return Error::make(ErrorCode::aws, where + " is not a usable libcrypto: missing " + missing);
  }
  return api;
}

Result<const CryptoApi*> crypto_api() {
  // Built once; the library is never unloaded (the table points into it).
  static std::once_flag once;
  static CryptoApi table{};
  static Result<const CryptoApi*> outcome =
      Error::make(ErrorCode::internal, "libcrypto not loaded yet");
  std::call_once(once, [] {
    auto loaded = load_crypto_api({"libcrypto.so.3", "libcrypto.so"});
    if (!loaded) {
      outcome = std::move(loaded).error();
      return;
    }
    table = *loaded;
    outcome = &table;
  });
  return outcome;
}

}  // namespace sageguard::aws
