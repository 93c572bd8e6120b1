// whoami: resolve the chain, then GetCallerIdentity with what it produced.
#include "sageguard/aws/whoami.h"

#include <ctime>

#include "sageguard/aws/shared_config.h"

namespace sageguard::aws {

std::string format_iso8601(std::chrono::system_clock::time_point t) {
  const std::time_t s = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&s, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

Result<Whoami> whoami(WhoamiOptions o) {
  const Env& env = o.env != nullptr ? *o.env : process_env();
  if (!o.credentials) return Error::make(ErrorCode::internal, "whoami needs a credentials provider");
  SG_ASSIGN_OR_RETURN(Credentials creds, o.credentials->credentials());
  std::string region = o.region;
  if (region.empty()) {
    auto r = resolve_region(env, "", o.profile);
    if (r.ok()) region = *r;
  }
  std::string mode = env.get_or("AWS_STS_REGIONAL_ENDPOINTS");
  if (mode.empty()) {
    SG_ASSIGN_OR_RETURN(SharedConfig cfg, load_shared_config(env));
    const ProfileSettings s = cfg.profile(resolve_profile_name(env, o.profile));
    if (auto it = s.find("sts_regional_endpoints"); it != s.end()) mode = it->second;
  }
  auto transport = o.transport ? o.transport : make_curl_transport(CurlTransportOptions::from_env(env));
  SG_ASSIGN_OR_RETURN(StsConfig sts, resolve_sts_config(env, region, mode, std::move(transport)));
  sts.trace = std::move(o.trace);
  Whoami out;
  SG_ASSIGN_OR_RETURN(out.identity, sts_get_caller_identity(sts, creds));
  out.method = creds.method;
  out.chain = creds.chain;
  out.expiration = creds.expiration;
  return out;
}

}  // namespace sageguard::aws
