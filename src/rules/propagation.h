// tags.propagation: resources made from a training job must carry its tags.
// Works across the resources of one document: Pipelines Model steps that
// take a Training step's artifacts, and bundles where a Model's
// ModelDataUrl is a training job's output, an EndpointConfig names that
// Model and an Endpoint names that EndpointConfig. Pure function.
#pragma once

#include <vector>

#include "rules/rule_context.h"

namespace sageguard::rules {

// `out[i]` receives the findings for `resources[i]`.
void check_propagation(const Policy& policy, const std::vector<Resource>& resources,
                       std::vector<std::vector<RawFinding>>& out);

}  // namespace sageguard::rules
