// Shared pieces of the run-time loaders (see dl_util.h).
#include "aws/dl_util.h"

#include <link.h>

namespace sageguard::aws::dl {

namespace {

std::string last_dlerror() {
  const char* e = dlerror();
  return e ? e : "unknown dlopen error";
}

// The file a handle was loaded from ("" if unknown).
std::string loaded_path(void* lib) {
  link_map* map = nullptr;
  if (dlinfo(lib, RTLD_DI_LINKMAP, &map) != 0 || map == nullptr || map->l_name == nullptr)
    return "";
  return map->l_name;
}

// "a, b, c", for "tried ..." messages.
std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

}  // namespace

Result<Opened> open_first(const std::vector<std::string>& sonames, std::string_view what,
                          std::string_view install) {
  std::string first_error;
  for (const auto& name : sonames) {
    if (void* handle = dlopen(name.c_str(), RTLD_NOW | RTLD_LOCAL)) return Opened{handle, name};
    // The first name is the one that matters (the runtime package's); a
    // missing fallback's message would only hide it.
    if (first_error.empty()) first_error = last_dlerror();
  }
  return Error::make(ErrorCode::aws, std::string(what) + " could not be loaded (tried " +
                                         joined(sonames) + "): " + first_error + "; install " +
                                         std::string(install));
}

Error unusable(const Opened& opened, std::string_view name, const std::string& missing) {
  const std::string where = describe(opened.handle, opened.soname);
  dlclose(opened.handle);
  return Error::make(ErrorCode::aws,
                     where + " is not a usable " + std::string(name) + ": missing " + missing);
}

std::string describe(void* lib, const std::string& soname) {
  std::string where = soname;
  if (auto path = loaded_path(lib); !path.empty() && path != soname) where += " (" + path + ")";
  return where;
}

}  // namespace sageguard::aws::dl
