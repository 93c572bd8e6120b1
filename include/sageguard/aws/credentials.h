// AWS credentials and the CredentialsProvider seam. A provider hands out the
// current credentials (refreshing them when they expire); every provider here
// is safe to call from many threads. Credentials never appear in messages.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sageguard/result.h"

namespace sageguard::aws {

// One link of the chain that produced credentials (what `whoami` shows).
struct CredentialStep {
  std::string method;    // the AWS SDK's name: "assume-role", "sso", "env", ...
  std::string profile;   // the profile it came from; empty for env/metadata
  // The role: its ARN (assume-role, web identity), or for IAM Identity
  // Center "<account id>/<role name>".
  std::string role;
  std::optional<std::chrono::system_clock::time_point> expiration;
};

struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // empty for long-term keys
  std::optional<std::chrono::system_clock::time_point> expiration;
  std::string source;  // where they came from, e.g. "environment"; safe to print
  // The SDK's name for the source that produced them (botocore's
  // `get_credentials().method`): "env", "shared-credentials-file",
  // "config-file", "custom-process", "assume-role",
  // "assume-role-with-web-identity", "sso", "container-role", "iam-role".
  std::string method;
  // Outermost first: an assumed role, then the credentials it was assumed with.
  std::vector<CredentialStep> chain;
};

class CredentialsProvider {
 public:
  virtual ~CredentialsProvider() = default;
  // Current credentials, or an Error (ErrorCode::aws) saying why none exist.
  virtual Result<Credentials> credentials() = 0;
};

// Always returns the same credentials (tests, --access-key style overrides).
class StaticCredentialsProvider final : public CredentialsProvider {
 public:
  explicit StaticCredentialsProvider(Credentials c) : creds_(std::move(c)) {}
  Result<Credentials> credentials() override { return creds_; }

 private:
  Credentials creds_;
};

}  // namespace sageguard::aws
