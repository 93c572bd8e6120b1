// IAM Identity Center: the token the AWS CLI caches after `aws sso login`
// (~/.aws/sso/cache/<sha1 of the sso-session name or legacy start URL>.json)
// and the portal's GetRoleCredentials. Read-only: sageguard never writes
// the cache and does not run the device flow. Pure functions; thread-safe.
#pragma once

#include <chrono>
#include <string>

#include "sageguard/aws/credentials.h"
#include "sageguard/aws/env.h"
#include "sageguard/aws/http_transport.h"
#include "sageguard/aws/wire_trace.h"
#include "sageguard/result.h"

namespace sageguard::aws {

// The cache file for a session name (sso_session profiles) or start URL
// (legacy profiles): $HOME/.aws/sso/cache/<sha1 hex>.json.
std::string sso_cache_path(const Env& env, const std::string& session_or_start_url);

// The cached access token. Missing, unreadable or expired (expiresAt not
// after `now`) is an ErrorCode::aws error telling the user to run
// `aws sso login --profile <profile>`; the token never appears in it.
Result<std::string> load_sso_access_token(const Env& env, const std::string& session_or_start_url,
                                          const std::string& profile,
                                          std::chrono::system_clock::time_point now);

struct SsoRoleRequest {
  std::string sso_region;
  std::string account_id;
  std::string role_name;
  std::string profile;  // for messages
};

// GET <portal>/federation/credentials?role_name=..&account_id=.. with the
// bearer token in x-amz-sso_bearer_token. The portal is AWS_ENDPOINT_URL_SSO,
// AWS_ENDPOINT_URL, else https://portal.sso.<sso_region>.amazonaws.com.
Result<Credentials> sso_get_role_credentials(const Env& env, HttpTransport& transport,
                                             const TraceSink& trace, const SsoRoleRequest& request,
                                             const std::string& access_token);

}  // namespace sageguard::aws
