// IAM Identity Center token cache and portal call.
#include "sageguard/aws/sso_portal.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "aws/sha1.h"
#include "sageguard/aws/aws_error.h"
#include "sageguard/aws/credentials_chain.h"
#include "sageguard/aws/service_endpoint.h"
#include "sageguard/aws/sigv4_signer.h"

namespace sageguard::aws {

namespace {

Error login_needed(const std::string& profile, const std::string& why) {
  return Error::make(ErrorCode::aws, "IAM Identity Center " + why + " for profile '" + profile +
                                         "': run `aws sso login --profile " + profile + "`");
}

}  // namespace

std::string sso_cache_path(const Env& env, const std::string& session_or_start_url) {
  return env.get_or("HOME") + "/.aws/sso/cache/" + sha1_hex(session_or_start_url) + ".json";
}

Result<std::string> load_sso_access_token(const Env& env, const std::string& session_or_start_url,
                                          const std::string& profile,
                                          std::chrono::system_clock::time_point now) {
  const std::string path = sso_cache_path(env, session_or_start_url);
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return login_needed(profile, "has no cached token");
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  if (!in) return login_needed(profile, "token cache " + path + " is unreadable");
  auto j = nlohmann::json::parse(ss.str(), nullptr, false);
  if (!j.is_object() || !j.contains("accessToken") || !j["accessToken"].is_string() ||
      !j.contains("expiresAt") || !j["expiresAt"].is_string()) {
    return login_needed(profile, "token cache " + path + " lacks accessToken or expiresAt");
  }
  auto expires = parse_iso8601(j["expiresAt"].get<std::string>());
  if (!expires) return login_needed(profile, "token cache " + path + " has an unreadable expiresAt");
  if (*expires <= now) return login_needed(profile, "token has expired");
  return j["accessToken"].get<std::string>();
}

Result<Credentials> sso_get_role_credentials(const Env& env, HttpTransport& transport,
                                             const TraceSink& trace, const SsoRoleRequest& r,
                                             const std::string& access_token) {
  static constexpr ServiceEndpoint kPortal{"SSO", "AWS_ENDPOINT_URL_SSO", "AWS_ENDPOINT_URL_SSO", "portal.sso"};
  SG_ASSIGN_OR_RETURN(std::string endpoint, resolve_service_endpoint(env, "", r.sso_region, kPortal));
  HttpRequest req;
  req.method = "GET";
  req.url = endpoint + "/federation/credentials?role_name=" + sigv4::uri_encode(r.role_name, false) +
            "&account_id=" + sigv4::uri_encode(r.account_id, false);
  req.headers = {{"x-amz-sso_bearer_token", access_token}};
  std::vector<std::string> secrets = {access_token};
  if (trace) trace(format_request_trace(req, secrets));
  HttpOutcome sent = transport.send(req);
  if (!sent.ok()) {
    return from_transport_error(sent.error()).to_error("GetRoleCredentials");
  }
  const HttpResponse& resp = sent.response();
  auto j = nlohmann::json::parse(resp.body, nullptr, false);
  if (resp.status == 401 || resp.status == 403) {
    if (trace) trace(format_response_trace(resp, secrets));
    return login_needed(r.profile, "rejected the cached token (HTTP " + std::to_string(resp.status) + ")");
  }
  if (resp.status < 200 || resp.status >= 300) {
    if (trace) trace(format_response_trace(resp, secrets));
    return parse_json_error(resp).to_error("GetRoleCredentials");
  }
  const nlohmann::json* rc = nullptr;
  if (j.is_object() && j.contains("roleCredentials") && j["roleCredentials"].is_object()) {
    rc = &j["roleCredentials"];
  }
  auto str = [&](const char* k) {
    return rc != nullptr && rc->contains(k) && (*rc)[k].is_string() ? (*rc)[k].get<std::string>() : std::string();
  };
  Credentials c;
  c.access_key_id = str("accessKeyId");
  c.secret_access_key = str("secretAccessKey");
  c.session_token = str("sessionToken");
  secrets.push_back(c.secret_access_key);
  secrets.push_back(c.session_token);
  if (trace) trace(format_response_trace(resp, secrets));
  if (c.access_key_id.empty() || c.secret_access_key.empty() || rc == nullptr ||
      !rc->contains("expiration") || !(*rc)["expiration"].is_number_integer()) {
    return Error::make(ErrorCode::aws, "GetRoleCredentials: the answer lacks a key, secret or expiration");
  }
  // The portal gives the expiration in milliseconds since the epoch.
  c.expiration = std::chrono::system_clock::time_point(
      std::chrono::milliseconds((*rc)["expiration"].get<int64_t>()));
  return c;
}

}  // namespace sageguard::aws
