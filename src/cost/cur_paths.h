// File-system rules for billing exports (private to the cost module): keys a
// manifest names resolve only inside the report folder the manifest belongs
// to, and report folders are listed fail-closed (a folder that cannot be
// read is an error, never silently skipped). Stateless; thread-safe.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sageguard/result.h"

namespace sageguard::cost {

// The parts of an S3 key or relative path ("." and empty parts dropped), or
// nullopt when the key could name something outside the folder it is
// resolved in: an absolute path, a ".." part, a NUL byte. Decided on the
// text alone, so the answer never depends on what exists on disk.
std::optional<std::vector<std::string>> confined_key_parts(std::string_view key);

// Whether `candidate` (a path below `root`) is still inside `root` once the
// symbolic links along it are followed; existing or not, the same answer
// for the same links. `root` must be absolute and canonical.
bool stays_inside(const std::filesystem::path& root, const std::filesystem::path& candidate);

// Every regular file below `root` (symbolic links to files included,
// symbolic links to folders not followed), sorted. Error(io) naming the
// first folder that cannot be listed.
Result<std::vector<std::filesystem::path>> list_tree(const std::filesystem::path& root);

}  // namespace sageguard::cost
