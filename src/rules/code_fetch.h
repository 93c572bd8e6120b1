// Whether a job or model fetches its own code over the network when it
// starts (SDK script mode: code in S3, named in sagemaker_submit_directory),
// which network isolation would cut off: the isolation rule and `fix` both
// ask. Pure functions over a request; thread-safe.
#pragma once

#include <optional>
#include <string>

#include "rules/kind_layout.h"

namespace sageguard::rules {

// Why turning network isolation on would break this scope (its code comes
// from S3 at start-up, and what to do instead), or nullopt when it would not.
std::optional<std::string> isolation_blocks_code(const Resource& r, const Scope& s);

}  // namespace sageguard::rules
