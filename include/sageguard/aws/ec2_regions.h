// The account's enabled regions, from EC2 DescribeRegions (query protocol:
// form-encoded POST, XML answer), for `audit --region all`. Signed with the
// same SigV4 signer and credentials chain as the SageMaker client, retried
// in the standard mode. Functions are thread-safe; the call blocks.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sageguard/aws/credentials.h"
#include "sageguard/aws/credentials_chain.h"
#include "sageguard/aws/env.h"
#include "sageguard/aws/http_transport.h"
#include "sageguard/aws/retry_strategy.h"
#include "sageguard/aws/wire_trace.h"
#include "sageguard/result.h"

namespace sageguard::aws {

struct Ec2Region {
  std::string name;           // "eu-west-1"
  std::string endpoint;       // "ec2.eu-west-1.amazonaws.com"
  std::string opt_in_status;  // "opt-in-not-required", "opted-in", "not-opted-in"
};

// Parses a DescribeRegionsResponse (regionInfo/item/...). An <Errors>
// document or anything without regionInfo is an Error.
Result<std::vector<Ec2Region>> parse_describe_regions(std::string_view xml);

// The partition of a region, from its name: "aws-cn" (cn-*), "aws-us-gov"
// (us-gov-*), "aws-iso" (us-iso-*), "aws-iso-b" (us-isob-*), "aws-iso-e"
// (eu-isoe-*), "aws-iso-f" (us-isof-*), else "aws".
std::string_view region_partition(std::string_view region);

// Names of the regions an audit can read: every region of the same
// partition as `asked_region` (credentials do not cross partitions; EC2
// lists only its own, emulators may list more) whose opt-in status is not
// "not-opted-in", sorted, without duplicates.
std::vector<std::string> enabled_region_names(const std::vector<Ec2Region>& regions,
                                              std::string_view asked_region);

struct Ec2RegionsOptions {
  std::string region;        // the region whose EC2 endpoint is asked; empty = resolved
  std::string profile;       // --profile
  std::string endpoint_url;  // explicit EC2 endpoint; empty = AWS_ENDPOINT_URL_EC2,
                             // AWS_ENDPOINT_URL, else https://ec2.<region>.amazonaws.com
  TraceSink trace;           // --debug (secrets redacted)
  const Env* env = nullptr;  // nullptr = process environment
  std::shared_ptr<CredentialsProvider> credentials;  // nullptr = default chain
  std::shared_ptr<HttpTransport> transport;          // nullptr = curl
  Sleeper sleeper;                                   // empty = really sleep
  Clock clock;                                       // empty = system_clock
};

// EC2 endpoint resolution as described on Ec2RegionsOptions::endpoint_url.
// Plain http only to loopback.
Result<std::string> resolve_ec2_endpoint(const Env& env, const std::string& explicit_url,
                                         const std::string& region);

// Calls DescribeRegions (Version 2016-11-15) in options.region and returns
// every region it lists.
Result<std::vector<Ec2Region>> describe_regions(Ec2RegionsOptions options);

// describe_regions + enabled_region_names: what `audit --region all` audits.
// The region asked is options.region, else the configured one (AWS_REGION,
// profile), else us-east-1 (the list is the same from every region of a
// partition). An empty list is an error.
Result<std::vector<std::string>> enabled_regions(Ec2RegionsOptions options);

}  // namespace sageguard::aws
