// Credentials from the container endpoint (ECS/EKS) and from EC2 instance
// metadata (IMDSv2: PUT a session token, then GET the role's credentials).
#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "sageguard/aws/credentials_chain.h"

namespace sageguard::aws {

namespace {

constexpr const char* kContainerHost = "http://169.254.170.2";
constexpr const char* kImdsHost = "http://169.254.169.254";

Result<Credentials> parse_metadata_json(const std::string& body, const std::string& what) {
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (!j.is_object()) return Error::make(ErrorCode::aws, what + " returned something other than JSON");
  auto str = [&](const char* k) {
    return j.contains(k) && j[k].is_string() ? j[k].get<std::string>() : std::string();
  };
  if (auto code = str("Code"); !code.empty() && code != "Success") {
    return Error::make(ErrorCode::aws, what + " returned Code " + code);
  }
  Credentials c;
  c.access_key_id = str("AccessKeyId");
  c.secret_access_key = str("SecretAccessKey");
  c.session_token = str("Token");
  if (c.access_key_id.empty() || c.secret_access_key.empty()) {
    return Error::make(ErrorCode::aws, what + " response lacks AccessKeyId or SecretAccessKey");
  }
  if (auto e = str("Expiration"); !e.empty()) c.expiration = parse_iso8601(e);
  c.source = what;
  return c;
}

bool container_host_allowed(const UrlParts& u) {
  if (u.scheme == "https") return true;
  if (u.scheme != "http") return false;
  return is_loopback_host(u.host) || u.host == "169.254.170.2" || u.host == "169.254.170.23" ||
         u.host == "fd00:ec2::23";
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

Result<std::optional<Credentials>> credentials_from_container(const Env& env,
                                                              HttpTransport& transport) {
  std::string url;
  if (auto rel = env.get_or("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"); !rel.empty()) {
    url = std::string(kContainerHost) + (rel.front() == '/' ? "" : "/") + rel;
  } else if (auto full = env.get_or("AWS_CONTAINER_CREDENTIALS_FULL_URI"); !full.empty()) {
    auto parts = parse_url(full);
    if (!parts || !container_host_allowed(*parts)) {
      return Error::make(ErrorCode::aws,
                         "AWS_CONTAINER_CREDENTIALS_FULL_URI must be https, or http to a loopback "
                         "or ECS/EKS address");
    }
    url = full;
  } else {
    return std::optional<Credentials>();
  }
  HttpRequest req;
  req.url = url;
  std::string token;
  if (auto file = env.get_or("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"); !file.empty()) {
    std::ifstream in(file, std::ios::binary);
    if (!in) return Error::make(ErrorCode::aws, "cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
    std::ostringstream ss;
    ss << in.rdbuf();
    token = ss.str();
    while (!token.empty() && (token.back() == '\n' || token.back() == '\r')) token.pop_back();
  } else {
    token = env.get_or("AWS_CONTAINER_AUTHORIZATION_TOKEN");
  }
  if (token.find_first_of("\r\n") != std::string::npos) {
    return Error::make(ErrorCode::aws, "container authorization token contains a line break");
  }
  if (!token.empty()) req.set_header("Authorization", token);
  req.set_header("Accept", "application/json");
  HttpOutcome out = transport.send(req);
  if (!out.ok()) {
    return Error::make(ErrorCode::aws, "container credentials endpoint unreachable: " + out.error().message);
  }
  if (out.response().status != 200) {
    return Error::make(ErrorCode::aws, "container credentials endpoint returned HTTP " +
                                           std::to_string(out.response().status));
  }
  SG_ASSIGN_OR_RETURN(Credentials c, parse_metadata_json(out.response().body, "container-credentials"));
  return std::optional<Credentials>(std::move(c));
}

Result<std::optional<Credentials>> credentials_from_imds(const Env& env, HttpTransport& transport) {
  if (lower(env.get_or("AWS_EC2_METADATA_DISABLED")) == "true") return std::optional<Credentials>();
  std::string base = env.get_or("AWS_EC2_METADATA_SERVICE_ENDPOINT");
  if (base.empty()) {
    base = lower(env.get_or("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE")) == "ipv6"
               ? "http://[fd00:ec2::254]"
               : kImdsHost;
  }
  while (!base.empty() && base.back() == '/') base.pop_back();

  HttpRequest put;
  put.method = "PUT";
  put.url = base + "/latest/api/token";
  put.set_header("X-aws-ec2-metadata-token-ttl-seconds", "21600");
  HttpOutcome tok = transport.send(put);
  if (!tok.ok()) {
    // Refused or impossible here (not an answer from the network): say so
    // rather than conclude "not on EC2".
    if (tok.error().kind == TransportErrorKind::insecure ||
        tok.error().kind == TransportErrorKind::unavailable) {
      return Error::make(ErrorCode::aws, "instance metadata: " + tok.error().message);
    }
    return std::optional<Credentials>();  // not on EC2
  }
  if (tok.response().status != 200) {
    return Error::make(ErrorCode::aws, "instance metadata token request returned HTTP " +
                                           std::to_string(tok.response().status));
  }
  const std::string token = tok.response().body;

  HttpRequest list;
  list.url = base + "/latest/meta-data/iam/security-credentials/";
  list.set_header("X-aws-ec2-metadata-token", token);
  HttpOutcome roles = transport.send(list);
  if (!roles.ok()) return Error::make(ErrorCode::aws, "instance metadata: " + roles.error().message);
  if (roles.response().status == 404) return std::optional<Credentials>();  // no role attached
  if (roles.response().status != 200) {
    return Error::make(ErrorCode::aws, "instance metadata role lookup returned HTTP " +
                                           std::to_string(roles.response().status));
  }
  std::string role = roles.response().body;
  role = role.substr(0, role.find_first_of("\r\n"));
  if (role.empty()) return std::optional<Credentials>();

  HttpRequest get;
  get.url = base + "/latest/meta-data/iam/security-credentials/" + role;
  get.set_header("X-aws-ec2-metadata-token", token);
  HttpOutcome creds = transport.send(get);
  if (!creds.ok()) return Error::make(ErrorCode::aws, "instance metadata: " + creds.error().message);
  if (creds.response().status != 200) {
    return Error::make(ErrorCode::aws, "instance metadata credentials returned HTTP " +
                                           std::to_string(creds.response().status));
  }
  SG_ASSIGN_OR_RETURN(Credentials c, parse_metadata_json(creds.response().body, "instance-metadata"));
  return std::optional<Credentials>(std::move(c));
}

}  // namespace sageguard::aws
