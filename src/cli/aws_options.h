// Flags shared by every command that talks to AWS (--region, --profile,
// --endpoint-url, --debug) and the one place that turns them into a
// SageMaker client. The --debug trace goes to stderr, already redacted by
// the aws module (no secret key or session token ever reaches it).
#pragma once

#include <memory>
#include <string>

#include "cli/command.h"
#include "sageguard/aws/json_client.h"

namespace CLI {
class App;
}

namespace sageguard::cli {

struct AwsFlags {
  std::string region;
  std::string profile;
  std::string endpoint_url;
  bool debug = false;
};

// Declare the four flags on `sub`, bound to `flags`.
void add_aws_flags(CLI::App& sub, AwsFlags& flags);

// A SageMaker client from the flags and the standard AWS environment.
// Errors (no region, no credentials, bad endpoint) are ErrorCode::aws or usage.
// `transport` (default: curl) lets a command put e.g. a rate limiter in front.
Result<std::unique_ptr<aws::JsonClient>> make_client(
    const AwsFlags& flags, Io& io, std::shared_ptr<aws::HttpTransport> transport = nullptr);

}  // namespace sageguard::cli
