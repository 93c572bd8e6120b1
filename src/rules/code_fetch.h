// Whether a job or model fetches its own code over the network when it
// starts (SageMaker Python SDK script mode: code uploaded to S3 and named in
// `sagemaker_submit_directory`). Network isolation would cut that off, so
// the network.isolation rule says so and `fix` leaves isolation alone there.
// Pure functions over a request; thread-safe.
#pragma once

#include <optional>
#include <string>

#include "rules/kind_layout.h"

namespace sageguard::rules {

// Why turning network isolation on would break this scope (its code comes
// from S3 at start-up, and what to do instead), or nullopt when it would not.
std::optional<std::string> isolation_blocks_code(const Resource& r, const Scope& s);

}  // namespace sageguard::rules
