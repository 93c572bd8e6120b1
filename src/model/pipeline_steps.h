// The steps of a SageMaker Pipelines definition as resources (one per
// Training, Tuning, Processing, Transform and Model step, Condition steps
// walked): for the extractors of formats that embed a definition.
// A pure function; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "sageguard/resource.h"

namespace sageguard {

// Appends the steps of `pipeline` (a definition object) to `out`; their
// pointers start with `base` ("" for the definition itself).
void add_pipeline_steps(const Value& pipeline, const std::string& base, std::vector<Resource>& out);

}  // namespace sageguard
