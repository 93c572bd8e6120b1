// The credentials chain as the AWS CLI v2 resolves it (environment, assume-role,
// web identity, IAM Identity Center, shared files, credential_process,
// container, IMDSv2) and each source on its own. The chain provider caches and
// refreshes before expiry, one refresh at a time; it is thread-safe.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "sageguard/aws/credentials.h"
#include "sageguard/aws/env.h"
#include "sageguard/aws/http_transport.h"
#include "sageguard/aws/shared_config.h"
#include "sageguard/aws/wire_trace.h"

namespace sageguard::aws {

using Clock = std::function<std::chrono::system_clock::time_point()>;

// Each source returns nullopt when it is not configured (the chain moves on)
// and an Error when it is configured but fails (the chain stops there, as the
// AWS SDKs do, so a broken profile is not silently replaced by another).
Result<std::optional<Credentials>> credentials_from_env(const Env& env);

// Asked for the current code of an MFA device (mfa_serial) each time a role
// that needs one is assumed. Returns an Error when no code can be had.
using MfaCodeSource = std::function<Result<std::string>(const std::string& mfa_serial)>;

// What resolving a profile needs besides the profile itself.
struct ProfileContext {
  const Env* env = nullptr;
  const SharedConfig* config = nullptr;
  std::chrono::system_clock::time_point now;
  Clock clock;  // signing time of STS calls; empty = system_clock::now
  std::string sts_region;  // empty = the global STS endpoint
  std::string sts_regional_endpoints;  // "", "regional" or "legacy"
  std::shared_ptr<HttpTransport> transport;  // STS and the IAM Identity Center portal
  HttpTransport* metadata_transport = nullptr;  // credential_source Ec2InstanceMetadata/EcsContainer
  TraceSink trace;
  MfaCodeSource mfa_code;
  // False under an explicit --profile: AWS_WEB_IDENTITY_TOKEN_FILE and
  // friends are then ignored, as botocore does.
  bool env_vars_allowed = true;
};

// Everything after the environment variables for one profile, in botocore's
// order: assume-role (role_arn with source_profile chains or
// credential_source), web identity, IAM Identity Center, the credentials
// file, credential_process, the config file. nullopt when the profile
// configures none of them.
Result<std::optional<Credentials>> credentials_from_profile(const ProfileContext& context,
                                                            const std::string& profile);
// Runs `command` through /bin/sh and parses its JSON (Version 1) output.
Result<Credentials> credentials_from_process(const std::string& command);
Result<std::optional<Credentials>> credentials_from_container(const Env& env,
                                                              HttpTransport& transport);
// IMDSv2. Not configured when AWS_EC2_METADATA_DISABLED=true; an unreachable
// endpoint also yields nullopt (we are simply not on EC2).
Result<std::optional<Credentials>> credentials_from_imds(const Env& env,
                                                         HttpTransport& transport);

// Parses "2024-01-02T03:04:05Z" (also with fractional seconds or +00:00).
std::optional<std::chrono::system_clock::time_point> parse_iso8601(const std::string& s);

struct ChainOptions {
  std::string profile;      // --profile; empty = AWS_PROFILE or "default"
  const Env* env = nullptr;  // nullptr = process_env()
  // Transport for the metadata services; nullptr = a curl transport with 1 s
  // timeouts that may use plain http to the metadata addresses.
  std::shared_ptr<HttpTransport> metadata_transport;
  Clock clock;  // empty = system_clock::now
  // Region for STS (assume-role, web identity); empty = AWS_REGION,
  // AWS_DEFAULT_REGION or the profile's region, else the global endpoint.
  std::string region;
  // Transport for STS and the IAM Identity Center portal; nullptr = curl.
  std::shared_ptr<HttpTransport> transport;
  TraceSink trace;        // --debug (secrets redacted)
  MfaCodeSource mfa_code;  // empty = a profile with mfa_serial is an error
};

// Windows before expiry, botocore's (advisory 15 minutes, mandatory 10)
// scaled down for short-lived credentials to a half and a quarter of their
// lifetime, so a 15-minute session is not refreshed on every call.
struct RefreshWindows {
  std::chrono::seconds advisory;
  std::chrono::seconds mandatory;
};
RefreshWindows refresh_windows(std::chrono::seconds lifetime);

// What a refreshing provider calls for new credentials; `now` is when the
// refresh started.
using CredentialsFetch = std::function<Result<Credentials>(std::chrono::system_clock::time_point now)>;

// Caches what `fetch` returns. Inside the advisory window one caller
// refreshes while the others keep using the current credentials; inside the
// mandatory window callers wait for that refresh. A failed refresh keeps
// credentials that have not expired. `clock` empty = system_clock::now.
std::shared_ptr<CredentialsProvider> make_refreshing_provider(CredentialsFetch fetch, Clock clock = {});

// The default chain: make_refreshing_provider over the sources above,
// looked up on first use.
std::shared_ptr<CredentialsProvider> make_default_credentials_chain(ChainOptions options);

}  // namespace sageguard::aws
