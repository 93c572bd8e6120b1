#include "sageguard/aws/service_endpoint.h"

#include "sageguard/aws/http_transport.h"
#include "sageguard/aws/shared_config.h"

namespace sageguard::aws {

Result<std::string> resolve_service_endpoint(const Env& env, const std::string& explicit_url,
                                             const std::string& region, const ServiceEndpoint& service) {
  std::string url = explicit_url;
  std::string from = service.explicit_name;
  for (const char* variable : {service.env_variable, "AWS_ENDPOINT_URL"}) {
    if (!url.empty()) break;
    url = env.get_or(variable);
    from = variable;
  }
  if (url.empty()) {
    if (region.empty()) {
      return Error::make(ErrorCode::usage, std::string("no AWS region for the ") + service.service + " endpoint");
    }
    // Checked again here, whatever the caller did: the region becomes the host.
    SG_TRY(check_region_name(region, std::string("the ") + service.service + " endpoint's region"));
    return "https://" + std::string(service.host_prefix) + "." + region + ".amazonaws.com";
  }
  auto parts = parse_url(url);
  if (!parts || (parts->scheme != "https" && parts->scheme != "http")) {
    return Error::make(ErrorCode::usage, from + " is not an http(s) URL: " + url);
  }
  if (parts->scheme == "http" && !is_loopback_host(parts->host)) {
    return Error::make(ErrorCode::usage, from + ": plain http is allowed only to a loopback host; use https");
  }
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

}  // namespace sageguard::aws
