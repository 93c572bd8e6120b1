#include "sageguard/result.h"

#include <fmt/format.h>

namespace sageguard {

std::string Error::describe() const {
  std::string out;
  if (!file.empty()) {
    out += file;
    if (line > 0) out += fmt::format(":{}:{}", line, column);
    out += ": ";
  }
  out += message;
  return out;
}

int exit_code_for(const Error& e) { return e.code == ErrorCode::aws ? 3 : 2; }

}  // namespace sageguard
