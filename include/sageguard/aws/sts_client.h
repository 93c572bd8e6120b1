// AWS STS over the Query protocol: AssumeRole (signed with the source
// credentials), AssumeRoleWithWebIdentity (unsigned), GetCallerIdentity, at
// the endpoint botocore would use. Stateless functions over an StsConfig;
// thread-safe.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "sageguard/aws/credentials.h"
#include "sageguard/aws/credentials_chain.h"
#include "sageguard/aws/http_transport.h"
#include "sageguard/aws/retry_strategy.h"
#include "sageguard/aws/wire_trace.h"
#include "sageguard/result.h"

namespace sageguard::aws {

struct StsConfig {
  std::string endpoint;        // without trailing slash
  std::string signing_region;  // "us-east-1" for the global endpoint
  std::shared_ptr<HttpTransport> transport;
  TraceSink trace;  // empty = no wire trace
  Clock clock;      // empty = system_clock::now (signing time)
  RetryConfig retry;
  Sleeper sleeper;  // empty = really sleep
};

// `region` empty = the global endpoint https://sts.amazonaws.com (as
// botocore without a region). `regional_mode` is sts_regional_endpoints: ""
// or "regional" (the AWS CLI v2's default, botocore's since 1.40) or "legacy",
// which keeps the global host for the sixteen regions botocore lists.
Result<StsConfig> resolve_sts_config(const Env& env, const std::string& region,
                                     const std::string& regional_mode,
                                     std::shared_ptr<HttpTransport> transport);

struct AssumeRoleParams {
  std::string role_arn;
  std::string session_name;
  std::string external_id;    // empty = not sent
  std::string serial_number;  // mfa_serial; empty = not sent
  std::string token_code;     // the MFA code, with serial_number
  std::optional<int> duration_seconds;
};

struct AssumedRole {
  Credentials credentials;        // with expiration; method/source left to the caller
  std::string assumed_role_arn;   // AssumedRoleUser.Arn
};

Result<AssumedRole> sts_assume_role(const StsConfig& sts, const Credentials& source,
                                    const AssumeRoleParams& params);

struct WebIdentityParams {
  std::string role_arn;
  std::string session_name;
  std::string token;  // the OIDC token, never printed
};

Result<AssumedRole> sts_assume_role_with_web_identity(const StsConfig& sts,
                                                      const WebIdentityParams& params);

struct CallerIdentity {
  std::string account;
  std::string arn;
  std::string user_id;
};

Result<CallerIdentity> sts_get_caller_identity(const StsConfig& sts, const Credentials& creds);

// "botocore-session-<unix seconds>", the SDK's default session name.
std::string default_role_session_name(std::chrono::system_clock::time_point now);

}  // namespace sageguard::aws
