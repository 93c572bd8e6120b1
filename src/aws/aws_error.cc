// Error responses of the JSON protocols and their retry classification.
#include "sageguard/aws/aws_error.h"

#include <array>
#include <string_view>

#include <nlohmann/json.hpp>

namespace sageguard::aws {

namespace {

template <std::size_t N>
bool one_of(const std::string& code, const std::array<std::string_view, N>& list) {
  for (auto c : list) {
    if (code == c) return true;
  }
  return false;
}

constexpr std::array<std::string_view, 10> kThrottling = {
    "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
    "TooManyRequestsException", "ProvisionedThroughputExceededException",
    "TransactionInProgressException", "RequestLimitExceeded", "BandwidthLimitExceeded",
    "SlowDown"};
constexpr std::array<std::string_view, 3> kTransient = {"RequestTimeout", "RequestTimeoutException",
                                                         "PriorRequestNotComplete"};
// Never retried whatever the status: a retry cannot fix them.
constexpr std::array<std::string_view, 12> kNever = {
    "ValidationException", "ResourceLimitExceeded", "AccessDeniedException", "AccessDenied",
    "UnrecognizedClientException", "InvalidSignatureException", "SignatureDoesNotMatch",
    "IncompleteSignature", "InvalidClientTokenId", "MissingAuthenticationToken",
    "ExpiredTokenException", "ExpiredToken"};

std::string xml_element(const std::string& body, const std::string& name) {
  const std::string open = "<" + name + ">";
  const std::string close = "</" + name + ">";
  auto b = body.find(open);
  if (b == std::string::npos) return "";
  b += open.size();
  auto e = body.find(close, b);
  return e == std::string::npos ? "" : body.substr(b, e - b);
}

}  // namespace

std::string AwsError::describe() const {
  std::string s = code.empty() ? "UnknownError" : code;
  if (!message.empty()) s += ": " + message;
  std::string detail;
  if (http_status != 0) detail = "HTTP " + std::to_string(http_status);
  if (!request_id.empty()) detail += (detail.empty() ? "" : ", ") + ("request id " + request_id);
  if (!detail.empty()) s += " (" + detail + ")";
  return s;
}

Error AwsError::to_error(const std::string& operation) const {
  return Error::make(error_code, operation.empty() ? describe() : operation + ": " + describe());
}

std::string normalize_error_code(const std::string& type) {
  std::string code = type.substr(0, type.find(':'));
  if (auto hash = code.rfind('#'); hash != std::string::npos) code = code.substr(hash + 1);
  return code;
}

bool is_throttling_code(const std::string& code) { return one_of(code, kThrottling); }

bool is_retryable(const std::string& code, long http_status) {
  if (one_of(code, kNever)) return false;
  if (is_throttling_code(code) || one_of(code, kTransient)) return true;
  return http_status == 500 || http_status == 502 || http_status == 503 || http_status == 504;
}

AwsError parse_json_error(const HttpResponse& response) {
  AwsError e;
  e.kind = AwsErrorKind::service;
  e.http_status = response.status;
  e.request_id = response.header("x-amzn-RequestId").value_or(response.header("x-amz-request-id").value_or(""));
  auto j = nlohmann::json::parse(response.body, nullptr, false);
  auto str = [&](const char* k) {
    return j.is_object() && j.contains(k) && j[k].is_string() ? j[k].get<std::string>() : std::string();
  };
  std::string type = str("__type");
  if (type.empty()) type = str("code");
  if (type.empty()) type = str("Code");
  if (type.empty()) type = response.header("x-amzn-ErrorType").value_or("");
  e.code = normalize_error_code(type);
  e.message = str("message");
  if (e.message.empty()) e.message = str("Message");
  if (e.code.empty() && !j.is_object()) {
    // Gateways and auth front ends sometimes answer in the XML error format.
    e.code = xml_element(response.body, "Code");
    if (e.message.empty()) e.message = xml_element(response.body, "Message");
  }
  if (e.code.empty()) {
    e.code = response.status >= 500 ? "InternalFailure" : "HttpError";
    if (e.message.empty()) e.message = "HTTP status " + std::to_string(response.status);
  }
  e.retryable = is_retryable(e.code, response.status);
  // Throttles are rejected before any work; a 5xx may come after the work.
  e.maybe_applied = response.status >= 500 && !is_throttling_code(e.code);
  return e;
}

AwsError from_signing_error(const Error& e) {
  AwsError out;
  out.kind = AwsErrorKind::config;
  out.code = "SigningUnavailable";
  out.message = e.message;
  return out;
}

AwsError from_transport_error(const TransportError& t) {
  AwsError e;
  switch (t.kind) {
    case TransportErrorKind::timeout:
      e.kind = AwsErrorKind::timeout;
      e.code = "Timeout";
      e.retryable = true;
      break;
    case TransportErrorKind::connection:
      e.kind = AwsErrorKind::connection;
      e.code = "ConnectionError";
      e.retryable = true;
      break;
    case TransportErrorKind::tls:
      e.kind = AwsErrorKind::connection;
      e.code = "TlsError";
      break;
    case TransportErrorKind::insecure:
    case TransportErrorKind::invalid:
      e.kind = AwsErrorKind::config;
      e.code = "InvalidEndpoint";
      break;
    case TransportErrorKind::unavailable:
      e.kind = AwsErrorKind::config;
      e.code = "HttpClientUnavailable";
      break;
    case TransportErrorKind::too_large:
      // Not retried: the same request would get the same answer.
      e.kind = AwsErrorKind::service;
      e.code = "ResponseTooLarge";
      break;
  }
  e.message = t.message;
  e.maybe_applied = t.maybe_sent;
  return e;
}

}  // namespace sageguard::aws
