// AWS credentials and the CredentialsProvider seam. A provider hands out the
// current credentials (refreshing them when they expire); every provider here
// is safe to call from many threads. Credentials never appear in messages.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "sageguard/result.h"

namespace sageguard::aws {

struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // empty for long-term keys
  std::optional<std::chrono::system_clock::time_point> expiration;
  std::string source;  // where they came from, e.g. "environment"; safe to print
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
