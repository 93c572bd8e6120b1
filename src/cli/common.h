// Helpers every command handler uses: printing errors in the contract's
// format (with a caret line), resolving the policy, writing results to
// stdout or atomically to -o FILE, and shared flag validators.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "cli/command.h"
#include "sageguard/policy.h"
#include "sageguard/result.h"

namespace sageguard::cli {

// "sageguard: error: FILE:LINE:COL: message" plus the source line and a
// caret under the column when known. Returns the exit code for `e`.
int report_error(Io& io, const Error& e);

// Write `content` to `path` atomically, or to io.out when path is empty.
Status emit_output(Io& io, const std::optional<std::string>& path, const std::string& content);

// A report written in pieces by `produce` (which calls the sink it is
// given): to io.out when `path` is empty or "-", else atomically to the
// file, so a large report is never held whole. A failed write is an error.
using PieceSink = std::function<void(std::string_view)>;
Status emit_streamed(Io& io, const std::optional<std::string>& path,
                     const std::function<void(const PieceSink&)>& produce);

// Checks that everything written to io.out reached it (flushing it): a
// full disk or closed pipe behind stdout is an error, not a lost report.
Status check_output(Io& io);

// --policy / $SAGEGUARD_POLICY / ./sageguard.yaml / built-in.
Result<Policy> load_effective_policy(const std::optional<std::string>& explicit_path);

// Parse a size like 256M, 1G, 1000 (bytes).
std::optional<uint64_t> parse_size(const std::string& s);

}  // namespace sageguard::cli
