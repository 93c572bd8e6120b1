// AwsError: a failed AWS call as data (service error code, message, request
// id, HTTP status, whether the standard retry mode may retry it), and its
// conversion to the library's Error (ErrorCode::aws). Plain value type;
// thread-safe as values are.
#pragma once

#include <string>

#include "sageguard/aws/http_transport.h"
#include "sageguard/result.h"

namespace sageguard::aws {

enum class AwsErrorKind {
  service,      // the service answered with an error
  connection,   // transport: could not connect or the connection broke
  timeout,      // transport: timed out
  credentials,  // no usable credentials
  config,       // bad endpoint, insecure URL, ...
};

struct AwsError {
  AwsErrorKind kind = AwsErrorKind::service;
  std::string code;        // e.g. "ThrottlingException"; transport errors: "ConnectionError"/"Timeout"
  std::string message;
  std::string request_id;  // x-amzn-RequestId, when the service sent one
  long http_status = 0;    // 0 when no response
  bool retryable = false;
  // The request may have reached the service (so a create may have happened).
  bool maybe_applied = false;
  // What to_error() reports: aws (exit 3) for failed calls; a credentials
  // failure that is missing configuration keeps the provider's code (usage,
  // exit 2).
  ErrorCode error_code = ErrorCode::aws;

  // "ThrottlingException: Rate exceeded (HTTP 400, request id abc)".
  std::string describe() const;
  // An Error with `error_code` whose message starts with "<operation>: ".
  Error to_error(const std::string& operation) const;
};

// Error code from a __type value: cut at ':' and keep what follows the last '#'.
std::string normalize_error_code(const std::string& type);

// Parses an error response of the JSON 1.x protocols (body __type/code and
// message/Message, header x-amzn-ErrorType as a fallback) and classifies it.
AwsError parse_json_error(const HttpResponse& response);

AwsError from_transport_error(const TransportError& e);

// A request that could not be signed (libcrypto did not load): code
// "SigningUnavailable", never retryable, nothing was sent.
AwsError from_signing_error(const Error& e);

// Standard-mode retry classification (see docs/aws-notes.md).
bool is_throttling_code(const std::string& code);
bool is_retryable(const std::string& code, long http_status);

}  // namespace sageguard::aws
