// File access used across the library: size-checked reads (refuse before
// allocating) and atomic writes (temp file in the same folder + fsync +
// rename, so a crash or full disk never leaves a half-written target).
// Functions are thread-safe; they share no state.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "sageguard/result.h"

namespace sageguard {

// Read a whole file; an ErrorCode::input error if it is larger than
// `max_size`, an ErrorCode::io error if it cannot be read.
Result<std::string> read_file_limited(const std::string& path, uint64_t max_size);

// Regular files below folder `dir` (recursively) that `keep` accepts, sorted
// so that output built from them is stable. ErrorCode::io if the folder
// cannot be walked ("cannot list folder: ...").
Result<std::vector<std::string>> list_files_sorted(
    const std::string& dir, const std::function<bool(const std::filesystem::path&)>& keep);

// Replace `path` with `content` atomically. The original (if any) keeps its
// permission bits. On failure the original is untouched and no temp file is
// left behind.
Status write_file_atomic(const std::string& path, const std::string& content);

}  // namespace sageguard
