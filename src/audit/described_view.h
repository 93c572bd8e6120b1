// The document the rule engine checks for one audited resource: its Describe*
// answer with the tags from ListTags merged in, reduced to what a Create*
// request would say where the two differ. Pure functions; thread-safe.
#pragma once

#include <nlohmann/json.hpp>

#include "sageguard/resource.h"

namespace sageguard::audit {

// `described`: the Describe* response; `tags`: the Tags array of ListTags
// (all pages). The result keeps the resource's ARN member, so the rule engine
// knows it reads a Describe* response (output-only members are allowed).
//  - Tags is replaced by `tags` (Describe* answers carry none).
//  - null members and empty objects are dropped at every depth: services
//    answer `"VpcConfig": {}` or `"DataCaptureConfig": {}` for settings that
//    were never made, which a request would simply omit.
//  - Endpoint: only the CreateEndpoint members (and the ARN) remain; its
//    ProductionVariants/DataCaptureConfig are run-time state, not settings.
nlohmann::json described_view(ResourceKind kind, const nlohmann::json& described,
                              const nlohmann::json& tags);

}  // namespace sageguard::audit
