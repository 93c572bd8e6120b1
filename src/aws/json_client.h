// A client for AWS JSON 1.1 services (SageMaker): signs with SigV4, sends
// through an HttpTransport, retries in the standard mode and turns error
// responses into AwsError. One JsonClient may be used from many threads at
// once: its shared state (signing-key cache, retry quota) is synchronised.
// Private to the library (not installed; its interface uses nlohmann::json).
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sageguard/aws/aws_error.h"
#include "sageguard/aws/credentials.h"
#include "sageguard/aws/credentials_chain.h"
#include "sageguard/aws/http_transport.h"
#include "sageguard/aws/retry_strategy.h"
#include "sageguard/aws/sigv4_signer.h"
#include "sageguard/aws/wire_trace.h"
#include "sageguard/result.h"

namespace sageguard::aws {

struct JsonClientConfig {
  std::string region;
  std::string endpoint;                  // e.g. https://api.sagemaker.us-east-1.amazonaws.com
  std::string signing_name = "sagemaker";
  std::string target_prefix = "SageMaker";  // X-Amz-Target: <prefix>.<Operation>
  RetryConfig retry;
  Sleeper sleeper;      // empty = really sleep
  RandomSource random;  // empty = a per-thread PRNG
  Clock clock;          // empty = system_clock::now (signing time)
  TraceSink trace;      // empty = no wire trace
  // After this many attempts in a row (any calls of this client) got no HTTP
  // answer at all, failed calls are no longer retried until an answer comes:
  // an endpoint that went away then costs each in-flight call one more
  // timeout, not its whole retry sequence. 0 = always retry.
  int max_silent_attempts = 16;
};

// The full story of one call: value or error, and how many attempts it took.
struct CallOutcome {
  std::optional<nlohmann::json> value;
  AwsError error;  // meaningful when !ok()
  int attempts = 0;
  // Some earlier attempt may have been applied by the service (timeout,
  // broken connection or 5xx), so a create that now fails with ResourceInUse
  // may have been ours.
  bool earlier_attempt_ambiguous = false;
  // A retryable failure was not retried because the client's retry quota
  // was used up, or its endpoint stopped answering (max_silent_attempts):
  // many calls are failing at once.
  bool quota_exhausted = false;
  bool ok() const { return value.has_value(); }
  Result<nlohmann::json> to_result(const std::string& operation) const;
};

// A create whose retry may meet its own earlier success.
struct IdempotentCreate {
  std::string create_operation;    // e.g. "CreateTrainingJob"
  nlohmann::json request;
  std::string describe_operation;  // e.g. "DescribeTrainingJob"
  std::string name_field;          // e.g. "TrainingJobName" (same key in both)
  // Does the described resource match what we sent? Empty = json_subset_match.
  std::function<bool(const nlohmann::json& sent, const nlohmann::json& described)> matches;
};

struct CreateResult {
  nlohmann::json response;          // create response, or the describe response when resolved
  bool resolved_by_describe = false;
};

// Every member of `sent` that `described` also has must be equal
// (recursively; arrays element by element). Members absent from the
// description are not compared.
bool json_subset_match(const nlohmann::json& sent, const nlohmann::json& described);

class JsonClient {
 public:
  JsonClient(JsonClientConfig config, std::shared_ptr<CredentialsProvider> credentials,
             std::shared_ptr<HttpTransport> transport);

  // POST / with X-Amz-Target <prefix>.<operation>; the parsed JSON response.
  Result<nlohmann::json> call(const std::string& operation, const nlohmann::json& body);
  CallOutcome call_detailed(const std::string& operation, const nlohmann::json& body);

  // Follows NextToken until the last page (at most `max_pages`); every page.
  // A NextToken that an earlier page already returned is an error
  // (repeated_token_error), as is a page beyond `max_pages`.
  Result<std::vector<nlohmann::json>> paginate(const std::string& operation, nlohmann::json body,
                                               std::size_t max_pages = 10000);
  // The concatenation of the `list_key` arrays of every page.
  Result<nlohmann::json> list_all(const std::string& operation, nlohmann::json body,
                                  const std::string& list_key, std::size_t max_pages = 10000);

  // Create; when a retry meets ResourceInUse after an ambiguous attempt,
  // describe the resource and accept it if it matches the request.
  Result<CreateResult> create_idempotent(const IdempotentCreate& spec);

  // Asks the credentials provider (which caches) before any call: the
  // provider's error when no request could be signed, with its code (usage
  // for credentials that are not configured at all).
  Status check_credentials();

  int retry_quota_available() const { return quota_.available(); }
  const JsonClientConfig& config() const { return config_; }

 private:
  void trace(const std::string& text) const;
  double random01() const;
  bool endpoint_silent() const;
  CallOutcome& give_up_silent(CallOutcome& out) const;

  JsonClientConfig config_;
  std::shared_ptr<CredentialsProvider> credentials_;
  std::shared_ptr<HttpTransport> transport_;
  SigV4Signer signer_;
  RetryQuota quota_;
  std::atomic<int> silent_attempts_{0};  // attempts in a row without an HTTP answer
};

// "<operation>: page N returned a NextToken an earlier page returned ...":
// the error of a pagination that cycles (ErrorCode::aws).
Error repeated_token_error(const std::string& operation, std::size_t page);

// What the CLI knows: global flags plus seams for tests.
struct SageMakerClientOptions {
  std::string region;        // --region
  std::string profile;       // --profile
  std::string endpoint_url;  // --endpoint-url
  TraceSink trace;           // set for --debug
  const Env* env = nullptr;  // nullptr = process environment
  std::shared_ptr<CredentialsProvider> credentials;  // nullptr = default chain
  std::shared_ptr<HttpTransport> transport;          // nullptr = curl
  Sleeper sleeper;
  RandomSource random;
  Clock clock;
};

// --endpoint-url, AWS_ENDPOINT_URL_SAGEMAKER, AWS_ENDPOINT_URL, else
// https://api.sagemaker.<region>.amazonaws.com. Plain http only to loopback.
Result<std::string> resolve_sagemaker_endpoint(const Env& env, const std::string& explicit_url,
                                               const std::string& region);

Result<std::unique_ptr<JsonClient>> make_sagemaker_client(SageMakerClientOptions options);

}  // namespace sageguard::aws
