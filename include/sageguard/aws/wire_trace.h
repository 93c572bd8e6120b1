// The --debug wire trace: requests and responses rendered as text with
// Authorization, security tokens and any known secret value redacted.
// Pure functions; thread-safe.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "sageguard/aws/http_transport.h"

namespace sageguard::aws {

// Receives one rendered request or response at a time. Called from whatever
// thread makes the call, so a sink shared by threads must synchronise itself.
using TraceSink = std::function<void(const std::string&)>;

// Replaces every occurrence of each non-empty string in `secrets`.
std::string redact_secrets(std::string text, const std::vector<std::string>& secrets);

// "> POST url" + headers + body. Sensitive headers and JSON members with
// secret-looking names are replaced by "<redacted>", then `secrets` too.
std::string format_request_trace(const HttpRequest& request, const std::vector<std::string>& secrets);
std::string format_response_trace(const HttpResponse& response, const std::vector<std::string>& secrets);

}  // namespace sageguard::aws
