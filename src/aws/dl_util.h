// What the run-time loaders (curl_loader, crypto_loader) share: open the first
// of a list of sonames, resolve C entry points into typed slots, and name the
// file that was loaded in messages. Both libraries are optional at start-up
// and only needed by the commands that talk to AWS.
#pragma once

#include <dlfcn.h>

#include <string>
#include <string_view>
#include <vector>

#include "sageguard/result.h"

namespace sageguard::aws::dl {

struct Opened {
  void* handle = nullptr;  // never null in a successful open_first
  std::string soname;      // the name that loaded
};

// dlopen()s `sonames` in order with RTLD_NOW | RTLD_LOCAL and keeps the first
// that loads. RTLD_LOCAL: the library's symbols (and its dependencies') stay
// out of the global namespace, as they were never part of sageguard's. When
// none loads, an ErrorCode::aws error "<what> could not be loaded (tried
// ...): <dlerror of the first name>; install <install>".
Result<Opened> open_first(const std::vector<std::string>& sonames, std::string_view what,
                          std::string_view install);

// The error for a library that loaded but lacks entry points ("<soname>
// (<file>) is not a usable <name>: missing <missing>"); closes the handle.
Error unusable(const Opened& opened, std::string_view name, const std::string& missing);

// `soname`, followed by " (/the/file)" when the handle resolved to a path
// that differs from it, for messages about a library that loaded but is wrong.
std::string describe(void* lib, const std::string& soname);

// Resolves one symbol into its typed slot; on a miss sets the slot to null
// and appends the name to `missing` (comma-separated).
template <typename Fn>
void resolve(void* lib, const char* name, Fn& slot, std::string& missing) {
  dlerror();  // clear a stale error so a null result is read correctly
  void* sym = dlsym(lib, name);
  if (sym == nullptr) {
    missing += (missing.empty() ? "" : ", ") + std::string(name);
    slot = nullptr;
    return;
  }
  slot = reinterpret_cast<Fn>(sym);
}

}  // namespace sageguard::aws::dl
