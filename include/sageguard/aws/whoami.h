// `whoami`: which source chain produced the credentials (profiles, roles,
// expiry) and who STS GetCallerIdentity says they are. Holds no secret.
// A plain function; thread-safe as its parts are.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sageguard/aws/credentials.h"
#include "sageguard/aws/env.h"
#include "sageguard/aws/http_transport.h"
#include "sageguard/aws/sts_client.h"
#include "sageguard/aws/wire_trace.h"
#include "sageguard/result.h"

namespace sageguard::aws {

struct WhoamiOptions {
  std::string region;   // --region; empty = AWS_REGION, profile, else the global STS endpoint
  std::string profile;  // --profile (for the region and sts_regional_endpoints)
  const Env* env = nullptr;  // nullptr = process environment
  std::shared_ptr<CredentialsProvider> credentials;  // required
  std::shared_ptr<HttpTransport> transport;          // nullptr = curl
  TraceSink trace;
};

struct Whoami {
  std::string method;  // botocore's name for the outermost source
  std::vector<CredentialStep> chain;
  std::optional<std::chrono::system_clock::time_point> expiration;
  CallerIdentity identity;
};

Result<Whoami> whoami(WhoamiOptions options);

// "2026-01-02T03:04:05Z".
std::string format_iso8601(std::chrono::system_clock::time_point t);

}  // namespace sageguard::aws
