// EC2 DescribeRegions over the query protocol. One call, so the retry loop
// here is the standard mode in its simplest form (attempts, jittered
// backoff, quota); errors come back in the XML <Errors> document, which
// parse_json_error already reads as its XML fallback.
#include "sageguard/aws/ec2_regions.h"

#include <algorithm>
#include <random>
#include <thread>

#include "aws/xml_lite.h"
#include "sageguard/aws/aws_error.h"
#include "sageguard/aws/service_endpoint.h"
#include "sageguard/aws/shared_config.h"
#include "sageguard/aws/sigv4_signer.h"

namespace sageguard::aws {

Result<std::vector<Ec2Region>> parse_describe_regions(std::string_view text) {
  SG_ASSIGN_OR_RETURN(auto root, xml::parse(text));
  if (root->name == "Response" || root->child("Errors")) {
    const xml::Element* errors = root->child("Errors");
    const xml::Element* e = errors ? errors->child("Error") : nullptr;
    std::string what = e ? e->child_text("Code") + ": " + e->child_text("Message") : root->name;
    return Error::make(ErrorCode::aws, "DescribeRegions: " + what);
  }
  const xml::Element* info = root->child("regionInfo");
  if (!info) {
    return Error::make(ErrorCode::aws, "DescribeRegions: the answer has no regionInfo (<" +
                                           root->name + ">)");
  }
  std::vector<Ec2Region> out;
  for (const auto& item : info->children) {
    if (item->name != "item") continue;
    Ec2Region r;
    r.name = item->child_text("regionName");
    r.endpoint = item->child_text("regionEndpoint");
    r.opt_in_status = item->child_text("optInStatus");
    if (r.name.empty()) return Error::make(ErrorCode::aws, "DescribeRegions: an item has no regionName");
    // A listed name becomes a SageMaker host name: one that is not a region
    // name stops the audit before anything is sent to it.
    SG_TRY(check_region_name(r.name, "the EC2 DescribeRegions answer"));
    out.push_back(std::move(r));
  }
  return out;
}

std::string_view region_partition(std::string_view region) {
  if (region.starts_with("cn-")) return "aws-cn";
  if (region.starts_with("us-gov-")) return "aws-us-gov";
  if (region.starts_with("us-iso-")) return "aws-iso";
  if (region.starts_with("us-isob-")) return "aws-iso-b";
  if (region.starts_with("eu-isoe-")) return "aws-iso-e";
  if (region.starts_with("us-isof-")) return "aws-iso-f";
  return "aws";
}

std::vector<std::string> enabled_region_names(const std::vector<Ec2Region>& regions,
                                              std::string_view asked_region) {
  const std::string_view partition = region_partition(asked_region);
  std::vector<std::string> out;
  for (const auto& r : regions) {
    if (region_partition(r.name) != partition) continue;
    // An absent status (older answers) means the region needs no opt-in.
    if (r.opt_in_status != "not-opted-in") out.push_back(r.name);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

Result<std::string> resolve_ec2_endpoint(const Env& env, const std::string& explicit_url,
                                         const std::string& region) {
  static constexpr ServiceEndpoint kEc2{"EC2", "EC2 endpoint", "AWS_ENDPOINT_URL_EC2", "ec2"};
  return resolve_service_endpoint(env, explicit_url, region, kEc2);
}

namespace {

// The list is the same from every region of a partition, so with none
// configured us-east-1 is asked; a configured but invalid one is an error.
Result<std::string> asked_region(const Ec2RegionsOptions& o, const Env& env) {
  SG_ASSIGN_OR_RETURN(std::optional<std::string> r, configured_region(env, o.region, o.profile));
  return r ? *r : std::string("us-east-1");
}

}  // namespace

Result<std::vector<std::string>> enabled_regions(Ec2RegionsOptions o) {
  const Env& env = o.env != nullptr ? *o.env : process_env();
  SG_ASSIGN_OR_RETURN(o.region, asked_region(o, env));
  const std::string region = o.region;
  SG_ASSIGN_OR_RETURN(auto all, describe_regions(std::move(o)));
  std::vector<std::string> names = enabled_region_names(all, region);
  if (names.empty()) {
    return Error::make(ErrorCode::aws, "DescribeRegions lists no enabled region in the " +
                                           std::string(region_partition(region)) + " partition");
  }
  return names;
}

Result<std::vector<Ec2Region>> describe_regions(Ec2RegionsOptions o) {
  const Env& env = o.env != nullptr ? *o.env : process_env();
  SG_ASSIGN_OR_RETURN(const std::string region, asked_region(o, env));
  SG_ASSIGN_OR_RETURN(std::string endpoint, resolve_ec2_endpoint(env, o.endpoint_url, region));
  auto creds_provider = o.credentials;
  if (!creds_provider) {
    ChainOptions chain;
    chain.profile = o.profile;
    chain.env = &env;
    creds_provider = make_default_credentials_chain(std::move(chain));
  }
  auto transport = o.transport ? o.transport : make_curl_transport(CurlTransportOptions::from_env(env));
  SG_ASSIGN_OR_RETURN(const RetryConfig retry, resolve_retry_config(env, o.profile));
  RetryQuota quota(retry.quota_capacity);
  thread_local std::mt19937_64 rng{std::random_device{}()};
  SigV4Signer signer;

  for (int attempt = 1;; ++attempt) {
    auto creds = creds_provider->credentials();
    if (!creds.ok()) return Error::make(creds.error().code, "DescribeRegions: " + creds.error().message);
    HttpRequest req;
    req.method = "POST";
    req.url = endpoint + "/";
    req.headers = {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
    // AllRegions=false (the default): the regions enabled for the account.
    req.body = "Action=DescribeRegions&Version=2016-11-15";
    SigningParams params;
    params.region = region;
    params.service = "ec2";
    params.time = o.clock ? o.clock() : std::chrono::system_clock::now();
    if (auto signed_req = signer.sign(req, *creds, params); !signed_req.ok()) {
      // Not retried, and named as JsonClient names it: libcrypto did not
      // load, and will not on another attempt; nothing was sent.
      return from_signing_error(signed_req.error()).to_error("DescribeRegions");
    }
    const std::vector<std::string> secrets = {creds->secret_access_key, creds->session_token};
    if (o.trace) o.trace(format_request_trace(req, secrets));

    HttpOutcome sent = transport->send(req);
    AwsError err;
    if (sent.ok()) {
      const HttpResponse& resp = sent.response();
      if (o.trace) o.trace(format_response_trace(resp, secrets));
      if (resp.status >= 200 && resp.status < 300) return parse_describe_regions(resp.body);
      err = parse_json_error(resp);
    } else {
      err = from_transport_error(sent.error());
    }
    if (!err.retryable || attempt >= retry.max_attempts ||
        !quota.acquire(err.kind == AwsErrorKind::timeout ? retry.timeout_retry_cost
                                                         : retry.retry_cost)) {
      return err.to_error("DescribeRegions");
    }
    const auto delay = backoff_delay(attempt, std::uniform_real_distribution<double>(0, 1)(rng),
                                     retry.max_backoff_seconds);
    if (o.sleeper) {
      o.sleeper(delay);
    } else {
      std::this_thread::sleep_for(delay);
    }
  }
}

}  // namespace sageguard::aws
