// The standard credentials chain (environment, shared files with
// credential_process, container endpoint, IMDSv2) and each source on its own.
// The chain provider caches what it found and refreshes it before expiry;
// it is thread-safe.
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

namespace sageguard::aws {

using Clock = std::function<std::chrono::system_clock::time_point()>;

// Each source returns nullopt when it is not configured (the chain moves on)
// and an Error when it is configured but fails (the chain stops there, as the
// AWS SDKs do, so a broken profile is not silently replaced by another).
Result<std::optional<Credentials>> credentials_from_env(const Env& env);
Result<std::optional<Credentials>> credentials_from_profile(const Env& env,
                                                            const SharedConfig& config,
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
};

// The default chain. Credentials are looked up on first use and again when
// they are within 5 minutes of expiring.
std::shared_ptr<CredentialsProvider> make_default_credentials_chain(ChainOptions options);

}  // namespace sageguard::aws
