// STS calls: form-encoded POST, XML answers (read with xml_lite), the
// standard retry mode's attempt budget and backoff for throttling, 5xx and
// transport failures.
#include "sageguard/aws/sts_client.h"

#include <algorithm>
#include <array>
#include <thread>
#include <utility>
#include <vector>

#include "aws/xml_lite.h"
#include "sageguard/aws/aws_error.h"
#include "sageguard/aws/service_endpoint.h"
#include "sageguard/aws/sigv4_signer.h"

namespace sageguard::aws {

namespace {

constexpr std::array<const char*, 16> kLegacyGlobalRegions = {
    "ap-northeast-1", "ap-south-1", "ap-southeast-1", "ap-southeast-2", "aws-global", "ca-central-1",
    "eu-central-1",   "eu-north-1", "eu-west-1",      "eu-west-2",      "eu-west-3",  "sa-east-1",
    "us-east-1",      "us-east-2",  "us-west-1",      "us-west-2"};

using Form = std::vector<std::pair<std::string, std::string>>;

std::string encode_form(const Form& form) {
  std::string out;
  for (const auto& [k, v] : form) {
    if (!out.empty()) out += '&';
    out += sigv4::uri_encode(k, false) + "=" + sigv4::uri_encode(v, false);
  }
  return out;
}

AwsError parse_query_error(const HttpResponse& resp) {
  AwsError err;
  err.kind = AwsErrorKind::service;
  err.http_status = resp.status;
  err.request_id = resp.header("x-amzn-RequestId").value_or("");
  auto root = xml::parse(resp.body);
  if (root.ok()) {
    // <ErrorResponse><Error>, or with an <Errors> around it (botocore's
    // query parser takes both; moto answers a refused AssumeRole so).
    const xml::Element* e = (*root)->child("Error");
    if (e == nullptr) {
      if (const xml::Element* errors = (*root)->child("Errors")) e = errors->child("Error");
    }
    if (e != nullptr) {
      err.code = e->child_text("Code");
      err.message = e->child_text("Message");
    }
    if (err.request_id.empty()) err.request_id = (*root)->child_text("RequestId");
  }
  if (err.code.empty()) err.code = "HTTP" + std::to_string(resp.status);
  err.retryable = is_retryable(err.code, resp.status);
  return err;
}

// One STS action: sign (when `creds` is given), send, retry, parse. The
// response trace is written after parsing so that the credentials it holds
// are redacted by value as well as by element name.
Result<std::unique_ptr<xml::Element>> call(const StsConfig& sts, const std::string& action,
                                           const Form& params, const Credentials* creds,
                                           std::vector<std::string> secrets) {
  Form form = {{"Action", action}, {"Version", "2011-06-15"}};
  form.insert(form.end(), params.begin(), params.end());
  if (creds != nullptr) {
    secrets.push_back(creds->secret_access_key);
    secrets.push_back(creds->session_token);
  }
  for (size_t i = 0, n = secrets.size(); i < n; ++i) secrets.push_back(sigv4::uri_encode(secrets[i], false));
  SigV4Signer signer;
  const int max_attempts = std::max(1, sts.retry.max_attempts);
  AwsError err;
  for (int attempt = 1;; ++attempt) {
    HttpRequest req;
    req.method = "POST";
    req.url = sts.endpoint + "/";
    req.headers = {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
    req.body = encode_form(form);
    if (creds != nullptr) {
      SigningParams p;
      p.region = sts.signing_region;
      p.service = "sts";
      p.time = sts.clock ? sts.clock() : std::chrono::system_clock::now();
      if (auto s = signer.sign(req, *creds, p); !s.ok()) return from_signing_error(s.error()).to_error(action);
    }
    if (sts.trace) sts.trace(format_request_trace(req, secrets));
    HttpOutcome sent = sts.transport->send(req);
    if (sent.ok()) {
      const HttpResponse& resp = sent.response();
      if (resp.status >= 200 && resp.status < 300) {
        auto root = xml::parse(resp.body);
        if (root.ok()) {
          if (const xml::Element* r = (*root)->child(action + "Result")) {
            if (const xml::Element* c = r->child("Credentials")) {
              secrets.push_back(c->child_text("SecretAccessKey"));
              secrets.push_back(c->child_text("SessionToken"));
            }
          }
        }
        if (sts.trace) sts.trace(format_response_trace(resp, secrets));
        if (!root.ok()) return Error::make(ErrorCode::aws, action + ": the STS answer is not XML");
        return std::move(root).value();
      }
      if (sts.trace) sts.trace(format_response_trace(resp, secrets));
      err = parse_query_error(resp);
    } else {
      err = from_transport_error(sent.error());
      if (sts.trace) sts.trace("< transport error: " + err.describe() + "\n");
    }
    if (!err.retryable || attempt >= max_attempts) return err.to_error(action);
    auto delay = backoff_delay(attempt, 0.5, sts.retry.max_backoff_seconds);
    if (sts.sleeper) {
      sts.sleeper(delay);
    } else {
      std::this_thread::sleep_for(delay);
    }
  }
}

Result<AssumedRole> read_assumed_role(const xml::Element& root, const std::string& action) {
  const xml::Element* result = root.child(action + "Result");
  const xml::Element* c = result != nullptr ? result->child("Credentials") : nullptr;
  if (c == nullptr) return Error::make(ErrorCode::aws, action + ": the answer has no Credentials");
  AssumedRole out;
  out.credentials.access_key_id = c->child_text("AccessKeyId");
  out.credentials.secret_access_key = c->child_text("SecretAccessKey");
  out.credentials.session_token = c->child_text("SessionToken");
  out.credentials.expiration = parse_iso8601(c->child_text("Expiration"));
  if (out.credentials.access_key_id.empty() || out.credentials.secret_access_key.empty() ||
      !out.credentials.expiration) {
    return Error::make(ErrorCode::aws, action + ": the answer lacks a key, secret or expiration");
  }
  if (const xml::Element* u = result->child("AssumedRoleUser")) out.assumed_role_arn = u->child_text("Arn");
  return out;
}

}  // namespace

std::string default_role_session_name(std::chrono::system_clock::time_point now) {
  return "botocore-session-" +
         std::to_string(std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count());
}

Result<StsConfig> resolve_sts_config(const Env& env, const std::string& region,
                                     const std::string& regional_mode,
                                     std::shared_ptr<HttpTransport> transport) {
  if (!regional_mode.empty() && regional_mode != "regional" && regional_mode != "legacy") {
    return Error::make(ErrorCode::usage, "sts_regional_endpoints must be 'regional' or 'legacy', not '" +
                                           regional_mode + "'");
  }
  const bool global =
      region.empty() || region == "aws-global" ||
      (regional_mode == "legacy" &&
       std::find(kLegacyGlobalRegions.begin(), kLegacyGlobalRegions.end(), region) != kLegacyGlobalRegions.end());
  static constexpr ServiceEndpoint kSts{"STS", "AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL_STS", "sts"};
  StsConfig cfg;
  cfg.signing_region = global ? "us-east-1" : region;
  const bool overridden = !env.get_or("AWS_ENDPOINT_URL_STS").empty() || !env.get_or("AWS_ENDPOINT_URL").empty();
  if (global && !overridden) {
    cfg.endpoint = "https://sts.amazonaws.com";
  } else {
    SG_ASSIGN_OR_RETURN(cfg.endpoint, resolve_service_endpoint(env, "", cfg.signing_region, kSts));
  }
  cfg.retry = RetryConfig::from_env(env);
  cfg.transport = std::move(transport);
  return cfg;
}

Result<AssumedRole> sts_assume_role(const StsConfig& sts, const Credentials& source,
                                    const AssumeRoleParams& p) {
  Form form = {{"RoleArn", p.role_arn}, {"RoleSessionName", p.session_name}};
  if (p.duration_seconds) form.emplace_back("DurationSeconds", std::to_string(*p.duration_seconds));
  if (!p.external_id.empty()) form.emplace_back("ExternalId", p.external_id);
  if (!p.serial_number.empty()) {
    form.emplace_back("SerialNumber", p.serial_number);
    form.emplace_back("TokenCode", p.token_code);
  }
  SG_ASSIGN_OR_RETURN(auto root, call(sts, "AssumeRole", form, &source, {p.token_code}));
  return read_assumed_role(*root, "AssumeRole");
}

Result<AssumedRole> sts_assume_role_with_web_identity(const StsConfig& sts, const WebIdentityParams& p) {
  Form form = {{"RoleArn", p.role_arn}, {"RoleSessionName", p.session_name}, {"WebIdentityToken", p.token}};
  SG_ASSIGN_OR_RETURN(auto root, call(sts, "AssumeRoleWithWebIdentity", form, nullptr, {p.token}));
  return read_assumed_role(*root, "AssumeRoleWithWebIdentity");
}

Result<CallerIdentity> sts_get_caller_identity(const StsConfig& sts, const Credentials& creds) {
  SG_ASSIGN_OR_RETURN(auto root, call(sts, "GetCallerIdentity", {}, &creds, {}));
  const xml::Element* r = root->child("GetCallerIdentityResult");
  if (r == nullptr) return Error::make(ErrorCode::aws, "GetCallerIdentity: the answer has no result");
  return CallerIdentity{r->child_text("Account"), r->child_text("Arn"), r->child_text("UserId")};
}

}  // namespace sageguard::aws
