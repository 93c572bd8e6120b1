// What a rule family sees while evaluating one resource: the policy, the
// resource, path lookups that understand unresolved Pipelines expressions,
// and an emitter that records findings by byte offset (line/column are
// computed later, once). One RuleContext per resource; not shared.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "sageguard/policy.h"
#include "sageguard/resource.h"
#include "sageguard/rule_catalog.h"

namespace sageguard::rules {

struct RawFinding {
  std::string_view rule;
  uint64_t offset = 0;
  std::string pointer;  // relative to the resource root
  std::string message;
  // False when `fix` must not repair this occurrence although it repairs the
  // rule elsewhere (doing so would break the job); the message says why.
  bool fixable = true;
};

enum class LookupState { found, missing, unresolved };

struct Lookup {
  LookupState state = LookupState::missing;
  const Value* value = nullptr;   // when found
  const Value* parent = nullptr;  // deepest object on the path that exists
};

// Follow '/'-separated member names from `scope`. A value on the way that is
// an unresolved expression ({"Get": ...}) makes the whole lookup unresolved.
Lookup lookup(const Value& scope, std::string_view path);

// "/A/B" from "A/B" with RFC 6901 escaping of each segment.
std::string to_pointer(std::string_view path);
// "A.B" from "A/B", for messages people read.
std::string dotted(std::string_view path);

// A finding's pointer, built only if a finding is made: a scope's pointer
// ("" or "/TrainingJobDefinition") and a path below it in "A/B" form. Most
// checks pass, so building every pointer up front would be most of their cost.
struct PointerRef {
  std::string_view prefix;
  std::string_view path;
  std::string str() const { return std::string(prefix) + to_pointer(path); }
};

// The policy's severity of every catalogue rule, resolved once per document:
// rules ask whether they are enabled some 25 times per resource, and
// Policy::severity_of searches a map and then the catalogue each time.
class Severities {
 public:
  explicit Severities(const Policy& policy);
  // Severity::off for an id outside the catalogue (as Policy::severity_of).
  Severity of(std::string_view rule) const { return of_index(rule_index(rule)); }
  // The same for a rule_index() already at hand (-1: outside the catalogue).
  Severity of_index(int i) const {
    return i < 0 ? Severity::off : by_index_[static_cast<size_t>(i)];
  }

 private:
  std::vector<Severity> by_index_;
};

class RuleContext {
 public:
  RuleContext(const Policy& policy, const Severities& severities, const Resource& resource,
              std::vector<RawFinding>& out)
      : policy_(policy), severities_(severities), resource_(resource), out_(out) {}

  const Policy& policy() const { return policy_; }
  const Resource& resource() const { return resource_; }
  bool enabled(std::string_view rule) const;

  void emit(std::string_view rule, uint64_t offset, std::string pointer, std::string message);
  void emit(std::string_view rule, uint64_t offset, const PointerRef& pointer,
            std::string message) {
    emit(rule, offset, pointer.str(), std::move(message));
  }
  // For a missing member: point at the deepest existing parent object.
  void emit_missing(std::string_view rule, const Lookup& l, const Value& scope,
                    std::string pointer, std::string message);
  void emit_missing(std::string_view rule, const Lookup& l, const Value& scope,
                    const PointerRef& pointer, std::string message) {
    emit_missing(rule, l, scope, pointer.str(), std::move(message));
  }
  // The finding just emitted is not one `fix` may repair.
  void mark_not_fixable() { out_.back().fixable = false; }

 private:
  const Policy& policy_;
  const Severities& severities_;
  const Resource& resource_;
  std::vector<RawFinding>& out_;
};

// The rule families. Each appends findings for one resource.
void check_request(RuleContext& ctx);
void check_tags(RuleContext& ctx);
void check_network(RuleContext& ctx);
void check_kms(RuleContext& ctx);
void check_spot(RuleContext& ctx);
void check_limits(RuleContext& ctx);
// The rest of the estate's own practices; check_network and check_limits
// call them, so their findings keep the families' order.
void check_estate_network(RuleContext& ctx);  // estate_network_rules.cc
void check_estate_limits(RuleContext& ctx);   // estate_limit_rules.cc

// An instance type a scope runs on: a string in the document, or, for a
// pipeline step's `{"Get": "Parameters.X"}`, the default the pipeline
// declares for X (rules that use it say so: a run may pass another value).
struct InstanceType {
  std::string_view type;
  const Value* at = nullptr;   // the node in the request (string or expression)
  std::string pointer;         // relative to the scope
  std::string_view parameter;  // X when `type` is X's default; "" otherwise
};
struct InstanceTypes {
  std::vector<InstanceType> known;
  // Some instance type is an expression with no default to stand for it:
  // rules that depend on the type say nothing then.
  bool unresolved = false;
};
InstanceTypes instance_types_of(const Value& scope, const Resource& r);

// " (with the parameter's default ml.g5.2xlarge for Parameters.X)" when the
// type came from a parameter's default, "" otherwise: for messages.
std::string parameter_note(const InstanceType& t);

// An empty string where a value is expected (a key, a subnet, an S3 URI, a
// tag value) sets nothing: presence rules treat it as absent.
inline bool is_empty_string(const Value& v) { return v.is_string() && v.as_string().empty(); }

}  // namespace sageguard::rules
