// Flags shared by every command that talks to AWS (--region, --profile,
// --endpoint-url, --mfa-code, --debug) and the one place that turns them into
// credentials and a SageMaker client. The --debug trace goes to stderr,
// already redacted by the aws module (no secret key or token ever reaches it).
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "cli/command.h"
#include "aws/json_client.h"

namespace CLI {
class App;
}

namespace sageguard::cli {

// The one credentials chain of a command, shared by every client it makes
// (all regions of an audit): one cache, one refresh at a time, one MFA code.
struct SharedCredentials {
  std::mutex mu;
  std::shared_ptr<aws::CredentialsProvider> provider;
  aws::TraceSink trace;  // one --debug sink, so blocks from any client stay whole
  bool trace_made = false;
};

struct AwsFlags {
  std::string region;
  std::string profile;
  std::string endpoint_url;
  std::string mfa_code;  // --mfa-code, for a profile with mfa_serial
  bool debug = false;
  // Copies of these flags share the chain.
  std::shared_ptr<SharedCredentials> credentials = std::make_shared<SharedCredentials>();
};

// Declare the flags on `sub`, bound to `flags`.
void add_aws_flags(CLI::App& sub, AwsFlags& flags);
// Only --mfa-code (for commands that declare the others themselves).
void add_mfa_flag(CLI::App& sub, std::string& mfa_code);

// The --debug sink on io.err (whole blocks, safe from many threads); empty
// when !debug.
aws::TraceSink debug_trace(bool debug, Io& io);

// The --debug sink of these flags (shared by their copies), made on first use.
aws::TraceSink shared_trace(const AwsFlags& flags, Io& io);

// The command's credentials chain, made on first use.
std::shared_ptr<aws::CredentialsProvider> credentials_for(const AwsFlags& flags, Io& io);

// A SageMaker client from the flags and the standard AWS environment.
// Errors (no region, no credentials, bad endpoint) are ErrorCode::aws or usage.
// `transport` (default: curl) lets a command put e.g. a rate limiter in front.
Result<std::unique_ptr<aws::JsonClient>> make_client(
    const AwsFlags& flags, Io& io, std::shared_ptr<aws::HttpTransport> transport = nullptr);

}  // namespace sageguard::cli
