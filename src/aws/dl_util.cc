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

}  // namespace

Opened open_first(const std::vector<std::string>& sonames) {
  Opened out;
  for (const auto& name : sonames) {
    out.handle = dlopen(name.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (out.handle != nullptr) {
      out.soname = name;
      out.first_error.clear();
      return out;
    }
    // The first name is the one that matters (the runtime package's); a
    // missing fallback's message would only hide it.
    if (out.first_error.empty()) out.first_error = last_dlerror();
  }
  return out;
}

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

std::string describe(void* lib, const std::string& soname) {
  std::string where = soname;
  if (auto path = loaded_path(lib); !path.empty() && path != soname) where += " (" + path + ")";
  return where;
}

}  // namespace sageguard::aws::dl
