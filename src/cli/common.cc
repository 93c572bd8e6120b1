#include "cli/common.h"

#include <fmt/format.h>

#include <cctype>
#include <ostream>

#include "util/files.h"

namespace sageguard::cli {

int report_error(Io& io, const Error& e) {
  io.err << "sageguard: error: " << e.describe() << "\n";
  if (!e.source_line.empty() && e.column > 0) {
    io.err << "  " << e.source_line << "\n  ";
    // Keep tabs so the caret lines up under tab-indented text.
    uint32_t col = 1;
    for (char c : e.source_line) {
      if (col >= e.column) break;
      if ((static_cast<unsigned char>(c) & 0xC0) == 0x80) continue;
      io.err << (c == '\t' ? '\t' : ' ');
      ++col;
    }
    io.err << "^\n";
  }
  return exit_code_for(e);
}

Status emit_output(Io& io, const std::optional<std::string>& path, const std::string& content) {
  if (!path || path->empty() || *path == "-") {
    io.out << content;
    io.out.flush();
    return Status::success();
  }
  return write_file_atomic(*path, content);
}

Result<Policy> load_effective_policy(const std::optional<std::string>& explicit_path) {
  return resolve_policy(explicit_path);
}

std::optional<uint64_t> parse_size(const std::string& s) {
  if (s.empty()) return std::nullopt;
  size_t i = 0;
  uint64_t v = 0;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
    if (v > (UINT64_MAX - 9) / 10) return std::nullopt;
    v = v * 10 + static_cast<uint64_t>(s[i] - '0');
    ++i;
  }
  if (i == 0) return std::nullopt;
  std::string unit = s.substr(i);
  uint64_t mul = 1;
  if (unit.empty() || unit == "B") {
    mul = 1;
  } else if (unit == "K" || unit == "KB" || unit == "KiB") {
    mul = 1024;
  } else if (unit == "M" || unit == "MB" || unit == "MiB") {
    mul = 1024ull * 1024;
  } else if (unit == "G" || unit == "GB" || unit == "GiB") {
    mul = 1024ull * 1024 * 1024;
  } else {
    return std::nullopt;
  }
  if (v > UINT64_MAX / mul) return std::nullopt;
  return v * mul;
}

}  // namespace sageguard::cli
