// Wiring a SageMaker JsonClient from CLI flags and the AWS environment.
#include "aws/json_client.h"
#include "sageguard/aws/service_endpoint.h"

namespace sageguard::aws {

Result<std::string> resolve_sagemaker_endpoint(const Env& env, const std::string& explicit_url,
                                               const std::string& region) {
  static constexpr ServiceEndpoint kSageMaker{"SageMaker", "--endpoint-url", "AWS_ENDPOINT_URL_SAGEMAKER",
                                              "api.sagemaker"};
  return resolve_service_endpoint(env, explicit_url, region, kSageMaker);
}

Result<std::unique_ptr<JsonClient>> make_sagemaker_client(SageMakerClientOptions o) {
  const Env& env = o.env != nullptr ? *o.env : process_env();
  SG_ASSIGN_OR_RETURN(std::string region, resolve_region(env, o.region, o.profile));
  SG_ASSIGN_OR_RETURN(std::string endpoint, resolve_sagemaker_endpoint(env, o.endpoint_url, region));
  JsonClientConfig cfg;
  cfg.region = region;
  cfg.endpoint = endpoint;
  SG_ASSIGN_OR_RETURN(cfg.retry, resolve_retry_config(env, o.profile));
  cfg.trace = std::move(o.trace);
  cfg.sleeper = std::move(o.sleeper);
  cfg.random = std::move(o.random);
  cfg.clock = std::move(o.clock);
  auto creds = o.credentials;
  if (!creds) {
    ChainOptions chain;
    chain.profile = o.profile;
    chain.env = &env;
    creds = make_default_credentials_chain(std::move(chain));
  }
  auto transport = o.transport ? o.transport : make_curl_transport(CurlTransportOptions::from_env(env));
  return std::make_unique<JsonClient>(std::move(cfg), std::move(creds), std::move(transport));
}

}  // namespace sageguard::aws
