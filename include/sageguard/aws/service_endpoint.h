// Where requests to an AWS service go. Every client resolves its endpoint
// the same way: the explicit URL (a flag), else the service's own variable
// AWS_ENDPOINT_URL_<SERVICE>, else AWS_ENDPOINT_URL, else the regional host.
// Pure functions of their arguments; thread-safe.
#pragma once

#include <string>

#include "sageguard/aws/env.h"
#include "sageguard/result.h"

namespace sageguard::aws {

struct ServiceEndpoint {
  const char* service;        // for messages: "SageMaker", "EC2"
  const char* explicit_name;  // how the explicit URL is named in errors: "--endpoint-url"
  const char* env_variable;   // "AWS_ENDPOINT_URL_SAGEMAKER"
  const char* host_prefix;    // regional host = https://<host_prefix>.<region>.amazonaws.com
};

// The URL without trailing slashes. Errors: a URL that is not http(s), plain
// http to anything but a loopback host (exit 2, usage), or no region, or an
// invalid one, when the regional host is needed (usage as well).
Result<std::string> resolve_service_endpoint(const Env& env, const std::string& explicit_url,
                                             const std::string& region, const ServiceEndpoint& service);

}  // namespace sageguard::aws
