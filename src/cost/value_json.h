// Converts a located document Value (JSON or YAML) into an nlohmann::json
// request body, the form the AWS client and the cost estimates take. Pure
// function; thread-safe.
#pragma once

#include <nlohmann/json.hpp>

#include "sageguard/document.h"
#include "sageguard/resource.h"

namespace sageguard::cost {

// Integral numbers that fit become integers (AWS rejects 3600.0 where an
// integer is modelled); other numbers stay doubles. Key order is not kept
// (nlohmann::json sorts members), which the wire format does not care about.
nlohmann::json to_json(const Value& v);

// The same, with every pipeline parameter reference (`{"Get":
// "Parameters.X"}`) that has a declared default replaced by that default
// (see parameter_default in resource.h); each one replaced is appended to
// `used` as "X=value" so a message can say which defaults it assumed.
nlohmann::json to_json_with_defaults(const Value& v, const Resource& r,
                                     std::vector<std::string>& used);

}  // namespace sageguard::cost
