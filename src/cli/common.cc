#include "cli/common.h"

#include <fmt/format.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <ostream>

#include "util/files.h"
#include "util/strings.h"

namespace sageguard::cli {

int report_error(Io& io, const Error& e) {
  // File names, keys and values in messages come from the input: made
  // terminal-safe as findings are, so no escape sequence reaches a terminal.
  io.err << "sageguard: error: " << terminal_safe(e.describe()) << "\n";
  if (!e.source_line.empty() && e.column > 0) {
    // Tabs are kept (so the caret lines up under tab-indented text); other
    // control characters are shown escaped, and the caret skips as many.
    std::string line;
    std::string pad;
    uint32_t col = 1;
    const std::string_view src = e.source_line;
    for (size_t i = 0; i < src.size();) {
      const size_t len = utf8_char_length(src, i);
      const std::string_view ch = src.substr(i, len);
      const std::string shown = ch == "\t" ? std::string("\t") : terminal_safe(ch);
      line += shown;
      if (col < e.column) {
        if (ch == "\t") {
          pad += '\t';
        } else {
          // One column per character shown (an escape shows as four).
          pad.append(shown == ch ? 1 : shown.size(), ' ');
        }
      }
      ++col;
      i += len;
    }
    io.err << "  " << line << "\n  " << pad << "^\n";
  }
  return exit_code_for(e);
}

Status emit_output(Io& io, const std::optional<std::string>& path, const std::string& content) {
  if (!path || path->empty() || *path == "-") {
    io.out << content;
    return check_output(io);
  }
  return write_file_atomic(*path, content);
}

Status emit_streamed(Io& io, const std::optional<std::string>& path,
                     const std::function<void(const PieceSink&)>& produce) {
  if (!path || path->empty() || *path == "-") {
    produce([&](std::string_view piece) {
      // Once stdout failed, the rest is not written (check_output reports it).
      if (io.out) io.out.write(piece.data(), static_cast<std::streamsize>(piece.size()));
    });
    return check_output(io);
  }
  SG_ASSIGN_OR_RETURN(AtomicWriter file, AtomicWriter::open(*path));
  Status failed;
  produce([&](std::string_view piece) {
    if (failed.ok()) failed = file.write(piece);
  });
  SG_TRY(failed);
  return file.commit();
}

Status check_output(Io& io) {
  errno = 0;
  io.out.flush();
  if (io.out) return Status::success();
  const int err = errno;
  return Error::make(ErrorCode::io,
                     fmt::format("cannot write to standard output{}",
                                 err != 0 ? fmt::format(": {}", std::strerror(err)) : ""));
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
