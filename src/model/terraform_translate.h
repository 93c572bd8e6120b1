// Translation of one Terraform resource's arguments (snake_case attributes
// and nested blocks, as HCL, the JSON syntax or a plan holds them) into the
// SageMaker API request they create. Used by terraform_extract.cc only.
// Not thread-safe (one per extraction: it builds into one arena).
#pragma once

#include <string_view>

#include "model/tree_builder.h"
#include "sageguard/document.h"

namespace sageguard::terraform {

// How the source writes values: HCL has expressions already marked
// unresolved by the reader; the JSON syntax writes expressions as "${...}"
// strings; a plan has null for unset values and `after_unknown` for values
// known only after apply.
enum class Syntax : uint8_t { hcl, json, plan };

class Translator {
 public:
  Translator(ValueArena& arena, Syntax syntax) : arena_(arena), b_(arena), syntax_(syntax) {}

  // {"Fn::Unresolved": text} at `off`.
  Value unresolved(std::string_view text, uint64_t off);
  // A copy of a leaf value (or an unresolved one) at `off`.
  Value leaf(const Value& v, const Value* unknown, uint64_t off);
  // The request members for a resource body, at the resource's offset:
  // `name_member` gets the `name` argument (or an unresolved placeholder
  // when Terraform generates the name); `skip` lists further arguments of
  // the resource that are not request members; `tags` (may be null) is the
  // Tags list, already merged.
  Value resource(const Value& body, const Value* unknown, uint64_t off,
                 std::string_view name_member, std::string_view name_argument,
                 const Value* tags);
  // A Tags list [{Key, Value}] at `off` from `default_tags` then `tags`
  // (either may be null), the later overriding equal keys; unresolved if
  // either map is.
  Value tags(const Value* defaults, const Value* own, const Value* unknown, uint64_t off);
  // The value a JSON string holds (a literal pipeline or state machine
  // definition), or nullopt-like null Value when it does not parse.
  // `content_off` is where the string's characters start in the file when
  // they are the same bytes as `json`; otherwise every offset is `off`.
  bool parse_json_text(std::string_view json, uint64_t content_off, bool same_bytes, uint64_t off,
                       Value& out);
  // A copy of `v` whose every offset is `off` (values from another file).
  Value relocated(const Value& v, uint64_t off) { return shift(v, 0, false, off); }
  // True for a string the JSON syntax reads as a template ("${...}").
  bool is_template(const Value& v) const;

 private:
  Value body(const Value& src, const Value* unknown, uint64_t off, int depth,
             std::string_view block = {});
  Value member_value(std::string_view name, const Value& v, const Value* unknown, uint64_t off,
                     int depth);
  Value map_value(const Value& v, const Value* unknown, uint64_t off);
  Value shift(const Value& v, uint64_t base, bool same_bytes, uint64_t off);

  ValueArena& arena_;
  TreeBuilder b_;
  Syntax syntax_;
};

// Arguments of every resource that are not request members (meta-arguments,
// computed attributes, names handled apart).
bool is_meta_argument(std::string_view name);

}  // namespace sageguard::terraform
