// The windowed fast path of check_paths, exposed for its tests. Each call
// is independent; concurrent calls are safe.
#pragma once

#include <optional>
#include <string>

#include "model/json_window.h"
#include "sageguard/check.h"

namespace sageguard {

// Files from this size are checked through a window of kCheckWindow bytes.
// Smaller ones are read whole: below 8 MiB reading them whole measured no
// slower (BENCHMARKS.md), and the window itself is 2 MiB of fresh memory. The
// window is one huge page: 256 KiB, 1 MiB and 4 MiB windows timed the same.
inline constexpr uint64_t kWindowedFrom = uint64_t{8} << 20;
inline constexpr size_t kCheckWindow = size_t{2} << 20;
// check_paths cuts a single large file into pieces of at least this size,
// one per usable CPU.
inline constexpr uint64_t kMinPiece = uint64_t{4} << 20;

// How a windowed check was cut, for tests and benchmarks: the cuts found,
// and how many pieces' results were used (1 when the first piece read the
// whole file).
struct PieceStats {
  size_t cuts = 0;
  size_t used = 0;
};

// check_document's result for load_document_deferred(path) with
// `named` = true, computed through a JsonWindowItems window: the same
// findings, locations and summary. nullopt when the file must be checked
// whole instead: it is not a JSON array or JSON lines, is outside the
// window's size bounds, or holds an input error (the whole-file path reports
// it). tags.propagation is related after the last item, over facts each
// piece kept (check/propagation_pass.h).
//
// With `pieces` > 1 the file is cut where JsonWindowItems::split_points
// guesses items begin, and the pieces are checked in parallel, each through
// its own window (a thread per piece, the caller's included; fewer when
// threads cannot be created, each taking the next piece). A piece
// counts for the result only when the piece before it met an item exactly
// at its cut; a wrong guess wastes that piece's work, never changes the
// result: the piece before it reads on past the cut instead.
std::optional<CheckResult> check_file_windowed(const std::string& path, const Policy& policy,
                                               const CheckOptions& opts,
                                               const JsonWindowItems::Options& window,
                                               size_t pieces = 1, PieceStats* stats = nullptr);

}  // namespace sageguard
