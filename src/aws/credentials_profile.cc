// Profile credentials as botocore resolves them: the order of its providers,
// source_profile chains with its cycle rule, credential_source, web identity
// and IAM Identity Center. Each resolution starts from the files and the
// token file again, so a refresh sees rotated tokens and keys.
#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "sageguard/aws/credentials_chain.h"
#include "sageguard/aws/sso_portal.h"
#include "sageguard/aws/sts_client.h"

namespace sageguard::aws {

namespace {

using Visited = std::vector<std::string>;

std::string get(const ProfileSettings& s, const char* key) {
  auto it = s.find(key);
  return it == s.end() ? std::string() : it->second;
}

bool has(const ProfileSettings& s, const char* key) { return s.count(key) > 0; }

bool has_static_keys(const ProfileSettings& s) {
  return has(s, "aws_access_key_id") || has(s, "aws_secret_access_key");
}

// botocore leaves a profile that also names a web identity token file to
// the web identity provider, even inside a source_profile chain.
bool has_assume_role(const ProfileSettings& s) {
  return has(s, "role_arn") && !has(s, "web_identity_token_file");
}

// A profile that cannot work as written is a set-up error (exit 2), like a
// missing region: nothing was asked of AWS yet.
Error config_error(const std::string& message) { return Error::make(ErrorCode::usage, message); }

std::string join_path(const Visited& visited, const std::string& last) {
  std::string out;
  for (const auto& p : visited) out += p + " -> ";
  return out + last;
}

Result<StsConfig> sts_for(const ProfileContext& ctx) {
  SG_ASSIGN_OR_RETURN(StsConfig sts, resolve_sts_config(*ctx.env, ctx.sts_region,
                                                        ctx.sts_regional_endpoints, ctx.transport));
  sts.trace = ctx.trace;
  sts.clock = ctx.clock;
  return sts;
}

// Keys written in one file's section: both or neither.
Result<std::optional<Credentials>> static_keys(const std::map<std::string, ProfileSettings>& file,
                                               const std::string& profile, const char* method,
                                               const char* file_name) {
  auto it = file.find(profile);
  if (it == file.end()) return std::optional<Credentials>();
  const std::string id = get(it->second, "aws_access_key_id");
  const std::string secret = get(it->second, "aws_secret_access_key");
  if (id.empty() && secret.empty()) return std::optional<Credentials>();
  if (id.empty() || secret.empty()) {
    return config_error("profile '" + profile + "' in the " + file_name +
                        " file has only one of aws_access_key_id and aws_secret_access_key");
  }
  Credentials c;
  c.access_key_id = id;
  c.secret_access_key = secret;
  c.session_token = get(it->second, "aws_session_token");
  c.method = method;
  c.source = std::string(method) + " (profile " + profile + ")";
  c.chain = {{method, profile, "", std::nullopt}};
  return std::optional<Credentials>(std::move(c));
}

Result<std::optional<Credentials>> web_identity(const ProfileContext& ctx, const std::string& profile,
                                                bool env_allowed) {
  const ProfileSettings s = ctx.config->profile(profile);
  // botocore takes each setting from its variable first, then the profile.
  auto setting = [&](const char* variable, const char* key) {
    if (env_allowed) {
      if (auto v = ctx.env->get(variable)) return *v;
    }
    return get(s, key);
  };
  const std::string token_file = setting("AWS_WEB_IDENTITY_TOKEN_FILE", "web_identity_token_file");
  if (token_file.empty()) return std::optional<Credentials>();
  WebIdentityParams p;
  p.role_arn = setting("AWS_ROLE_ARN", "role_arn");
  if (p.role_arn.empty()) {
    return config_error("web identity is configured (" + token_file +
                        ") but no role ARN: set role_arn in the profile or AWS_ROLE_ARN");
  }
  p.session_name = setting("AWS_ROLE_SESSION_NAME", "role_session_name");
  if (p.session_name.empty()) p.session_name = default_role_session_name(ctx.now);
  std::ifstream in(token_file, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  if (!in) return config_error("cannot read the web identity token file " + token_file);
  p.token = ss.str();
  SG_ASSIGN_OR_RETURN(StsConfig sts, sts_for(ctx));
  SG_ASSIGN_OR_RETURN(AssumedRole r, sts_assume_role_with_web_identity(sts, p));
  Credentials c = std::move(r.credentials);
  c.method = "assume-role-with-web-identity";
  c.source = "web identity (role " + p.role_arn + ")";
  c.chain = {{c.method, s.empty() || !has(s, "web_identity_token_file") ? "" : profile, p.role_arn,
              c.expiration}};
  return std::optional<Credentials>(std::move(c));
}

Result<std::optional<Credentials>> sso(const ProfileContext& ctx, const std::string& profile) {
  ProfileSettings s = ctx.config->profile(profile);
  if (!has(s, "sso_role_name") && !has(s, "sso_account_id")) return std::optional<Credentials>();
  const std::string session = get(s, "sso_session");
  if (has(s, "sso_session")) {
    auto it = ctx.config->sso_sessions.find(session);
    if (it == ctx.config->sso_sessions.end()) {
      return config_error("profile '" + profile + "' names sso_session '" + session +
                          "', but there is no [sso-session " + session + "] section");
    }
    for (const auto& [k, v] : it->second) {
      if (auto mine = s.find(k); mine != s.end() && mine->second != v) {
        return config_error("profile '" + profile + "' and sso-session '" + session +
                            "' disagree on " + k);
      }
      s[k] = v;
    }
  }
  std::string missing;
  for (const char* k : {"sso_role_name", "sso_account_id", "sso_start_url", "sso_region"}) {
    if (!has(s, k)) missing += std::string(missing.empty() ? "" : ", ") + k;
  }
  if (!missing.empty()) {
    return config_error("profile '" + profile + "' uses IAM Identity Center but lacks " + missing);
  }
  const std::string key = has(s, "sso_session") ? session : get(s, "sso_start_url");
  SG_ASSIGN_OR_RETURN(std::string token, load_sso_access_token(*ctx.env, key, profile, ctx.now));
  SsoRoleRequest req{get(s, "sso_region"), get(s, "sso_account_id"), get(s, "sso_role_name"), profile};
  SG_ASSIGN_OR_RETURN(Credentials c, sso_get_role_credentials(*ctx.env, *ctx.transport, ctx.trace, req, token));
  c.method = "sso";
  c.source = "IAM Identity Center (profile " + profile + ")";
  c.chain = {{"sso", profile, req.account_id + "/" + req.role_name, c.expiration}};
  return std::optional<Credentials>(std::move(c));
}

// botocore's ProfileProviderBuilder order, used for the top profile and for
// a source_profile (there without the environment variables).
Result<std::optional<Credentials>> profile_providers(const ProfileContext& ctx, const std::string& profile,
                                                     bool env_allowed) {
  {
    SG_ASSIGN_OR_RETURN(auto c, web_identity(ctx, profile, env_allowed));
    if (c) return c;
  }
  {
    SG_ASSIGN_OR_RETURN(auto c, sso(ctx, profile));
    if (c) return c;
  }
  {
    SG_ASSIGN_OR_RETURN(auto c, static_keys(ctx.config->credentials, profile, "shared-credentials-file",
                                            "credentials"));
    if (c) return c;
  }
  if (auto cmd = get(ctx.config->profile(profile), "credential_process"); !cmd.empty()) {
    auto r = credentials_from_process(cmd);
    if (!r.ok()) {
      Error e = r.error();
      e.message = "profile '" + profile + "': " + e.message;
      return e;
    }
    r->source = "credential_process (profile " + profile + ")";
    r->chain = {{"custom-process", profile, "", r->expiration}};
    return std::optional<Credentials>(std::move(r).value());
  }
  return static_keys(ctx.config->config, profile, "config-file", "config");
}

Result<Credentials> assume_role(const ProfileContext& ctx, const std::string& profile, Visited& visited);

Result<Credentials> from_credential_source(const ProfileContext& ctx, const std::string& source,
                                           const std::string& profile) {
  std::optional<Credentials> c;
  if (source == "Environment") {
    SG_ASSIGN_OR_RETURN(c, credentials_from_env(*ctx.env));
  } else if (source == "Ec2InstanceMetadata" || source == "EcsContainer") {
    if (ctx.metadata_transport == nullptr) return config_error("no transport for the metadata service");
    if (source == "EcsContainer") {
      SG_ASSIGN_OR_RETURN(c, credentials_from_container(*ctx.env, *ctx.metadata_transport));
      if (c) c->method = "container-role";
    } else {
      SG_ASSIGN_OR_RETURN(c, credentials_from_imds(*ctx.env, *ctx.metadata_transport));
      if (c) c->method = "iam-role";
    }
    if (c) c->chain = {{c->method, "", "", c->expiration}};
  } else {
    return config_error("credential_source '" + source + "' in profile '" + profile +
                        "' is not valid (Environment, Ec2InstanceMetadata or EcsContainer)");
  }
  if (!c) {
    return config_error("no credentials found in credential_source " + source +
                        " referenced in profile '" + profile + "'");
  }
  return *c;
}

Result<Credentials> source_credentials(const ProfileContext& ctx, const std::string& profile,
                                       const ProfileSettings& s, Visited& visited) {
  const std::string source_profile = get(s, "source_profile");
  const std::string credential_source = get(s, "credential_source");
  if (has(s, "source_profile") && has(s, "credential_source")) {
    return config_error("profile '" + profile + "' has both source_profile and credential_source");
  }
  if (has(s, "credential_source")) return from_credential_source(ctx, credential_source, profile);
  if (!has(s, "source_profile")) {
    return config_error("profile '" + profile +
                        "' has role_arn but neither source_profile nor credential_source");
  }
  if (!ctx.config->has_profile(source_profile)) {
    return config_error("the source_profile '" + source_profile + "' referenced in profile '" +
                        profile + "' does not exist");
  }
  const ProfileSettings src = ctx.config->profile(source_profile);
  if (std::find(visited.begin(), visited.end(), source_profile) != visited.end()) {
    // A profile may name itself to take its own keys; any other revisit is a cycle.
    if (source_profile != profile || !has_static_keys(src)) {
      return config_error("source_profile cycle: " + join_path(visited, source_profile));
    }
  }
  visited.push_back(source_profile);
  if (has_static_keys(src) || !has_assume_role(src)) {
    SG_ASSIGN_OR_RETURN(auto c, profile_providers(ctx, source_profile, /*env_allowed=*/false));
    if (!c) return config_error("the source profile '" + source_profile + "' has no credentials");
    return std::move(*c);
  }
  return assume_role(ctx, source_profile, visited);
}

Result<Credentials> assume_role(const ProfileContext& ctx, const std::string& profile, Visited& visited) {
  const ProfileSettings s = ctx.config->profile(profile);
  AssumeRoleParams p;
  p.role_arn = get(s, "role_arn");
  p.session_name = get(s, "role_session_name");
  if (p.session_name.empty()) p.session_name = default_role_session_name(ctx.now);
  p.external_id = get(s, "external_id");
  if (auto d = get(s, "duration_seconds"); !d.empty()) {
    // As botocore: a value that is not a whole number is not sent; STS
    // itself judges the range.
    char* end = nullptr;
    errno = 0;
    const long v = std::strtol(d.c_str(), &end, 10);
    if (errno == 0 && end != d.c_str() && *end == '\0' && v >= INT_MIN && v <= INT_MAX) {
      p.duration_seconds = static_cast<int>(v);
    }
  }
  SG_ASSIGN_OR_RETURN(Credentials source, source_credentials(ctx, profile, s, visited));
  p.serial_number = get(s, "mfa_serial");
  if (!p.serial_number.empty()) {
    if (!ctx.mfa_code) {
      return config_error("profile '" + profile + "' needs an MFA code (mfa_serial): pass --mfa-code");
    }
    SG_ASSIGN_OR_RETURN(p.token_code, ctx.mfa_code(p.serial_number));
  }
  SG_ASSIGN_OR_RETURN(StsConfig sts, sts_for(ctx));
  auto r = sts_assume_role(sts, source, p);
  if (!r.ok()) {
    Error e = r.error();
    e.message = "profile '" + profile + "': " + e.message;
    return e;
  }
  Credentials c = std::move(r->credentials);
  c.method = "assume-role";
  c.source = "assume-role (profile " + profile + ", role " + p.role_arn + ")";
  c.chain = {{"assume-role", profile, p.role_arn, c.expiration}};
  c.chain.insert(c.chain.end(), source.chain.begin(), source.chain.end());
  return c;
}

}  // namespace

Result<std::optional<Credentials>> credentials_from_profile(const ProfileContext& ctx,
                                                            const std::string& profile) {
  const ProfileSettings s = ctx.config->profile(profile);
  if (has_assume_role(s)) {
    Visited visited = {profile};
    SG_ASSIGN_OR_RETURN(Credentials c, assume_role(ctx, profile, visited));
    return std::optional<Credentials>(std::move(c));
  }
  return profile_providers(ctx, profile, ctx.env_vars_allowed);
}

}  // namespace sageguard::aws
