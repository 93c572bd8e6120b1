// The SageMaker API model check behind `request.invalid`: validates a request
// document against the constraints botocore's service model declares for an
// operation's input (required members, types, lengths, counts, ranges,
// patterns, enums, unknown members). The embedded table is parsed once on
// first use; every function here is thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sageguard/document.h"
#include "sageguard/result.h"

namespace sageguard {

// One broken constraint.
//   pointer: RFC 6901, relative to the request root. For a missing required
//            member it names the missing member ("/VpcConfig/Subnets"); for an
//            unknown member, the member ("/EnableNetworkIsolaton").
//   offset:  byte offset of the offending value; of the key for an unknown
//            member (or a bad map key); of the object lacking a required member.
//   message: names the member (dotted path, "VpcConfig.Subnets",
//            "ProductionVariants[0].InstanceType") and the constraint.
struct ApiViolation {
  uint64_t offset = 0;
  std::string pointer;
  std::string message;
};

struct ApiValidateOptions {
  // Describe* responses carry output-only members; default false: unknown
  // members are violations (botocore rejects unknown parameters).
  bool allow_unknown_members = false;
  // Top-level members not to require (pipeline step Arguments omit resource
  // names, which Pipelines generates). Default: none.
  std::vector<std::string> skip_required;
  // Top-level members that are not the API's and are not judged: the
  // properties only an infrastructure-as-code language has
  // (RetainAllVariantProperties on a CloudFormation endpoint). Default: none.
  std::vector<std::string_view> skip_members;
};

// Validate `request` against the input shape of `operation`
// ("CreateTrainingJob"). Appends violations to `out` in document order
// (required-member violations of an object after its members). Returns false,
// appending nothing, if the operation is not in the table.
bool validate_api_request(std::string_view operation, const Value& request,
                          const ApiValidateOptions& opts, std::vector<ApiViolation>& out);

// True for a value only known at run or deploy time, which validation and
// the rules never judge: an object with a single member named
//  - "Get", or starting with "Std:" (SageMaker Pipelines: Std:Join, ...);
//  - "Ref", "Condition", or starting with "Fn::" (CloudFormation intrinsic
//    functions; the YAML reader gives `!Ref x` this long form);
//  - kUnresolvedMember, which readers that translate another language into
//    request shape (Step Functions paths and JSONata, Terraform
//    expressions) put where the source holds an expression, with the
//    expression's text as its value and the expression's offset.
bool is_unresolved_expression(const Value& v);
inline constexpr std::string_view kUnresolvedMember = "Fn::Unresolved";
// The unresolved expressions in `v` and below (an expression's own inside
// is not searched).
uint32_t count_unresolved(const Value& v);

// What the embedded table is: for `sageguard version`, reports and tests.
struct ApiModelInfo {
  std::string botocore_version;            // botocore the table was generated from
  std::vector<std::string> operations;     // sorted operation names
  size_t shape_count = 0;
  // Patterns that are not checked: listed as skipped by the generator, or
  // (should not happen) rejected by RE2 at load time, with the reason.
  std::vector<std::pair<std::string, std::string>> unchecked_patterns;
};

// The table's description, or the error if the embedded table failed to load
// (an internal error: validate_api_request then knows no operation).
Result<ApiModelInfo> api_model_info();

}  // namespace sageguard
