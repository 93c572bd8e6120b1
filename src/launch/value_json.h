// Converts a located document Value (JSON or YAML) into an nlohmann::json
// request body, the form the AWS client and the cost module take. Pure
// function; thread-safe.
#pragma once

#include <nlohmann/json.hpp>

#include "sageguard/document.h"

namespace sageguard::launch {

// Integral numbers that fit become integers (AWS rejects 3600.0 where an
// integer is modelled); other numbers stay doubles. Key order is not kept
// (nlohmann::json sorts members), which the wire format does not care about.
nlohmann::json to_json(const Value& v);

}  // namespace sageguard::launch
