// Reading infrastructure as code into resources: CloudFormation templates
// (iac_cloudformation.cc), Step Functions state machines
// (iac_step_functions.cc) and the definitions they hold in JSON strings
// (iac_embedded.cc). Pure functions of their inputs; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/value_arena.h"
#include "sageguard/resource.h"

namespace sageguard::iac {

// What detection by content finds: a template (a top-level `Resources`
// object whose entries have a `Type`) or a state machine (`States` and
// `StartAt`).
std::optional<IacFormat> detect_format(const Value& root);
// Why `root` is not `format` ("" when it is).
std::string format_mismatch(const Value& root, IacFormat format);

// Text built from strings of a document (a DefinitionString, a
// PipelineDefinitionBody): `to_document` maps each of its bytes back to the
// document's offset it came from.
struct Origin {
  const std::vector<uint64_t>* to_document = nullptr;
  uint64_t map(uint64_t off) const;
};

// The resources of a template, of kind `only` if given.
Status read_cloudformation(const Document& doc, std::optional<ResourceKind> only,
                           ExtractResult& out);

// A state machine definition `def` (its States), at JSON Pointer `pointer`:
// one resource per SageMaker task (of kind `only` if given), whose
// translated request goes in `arena` (ExtractResult::translated).
// `not_editable` is copied to each resource.
struct StateMachineRead {
  ValueArena* arena = nullptr;
  std::optional<ResourceKind> only;
  std::string not_editable;
};
void read_state_machine(const Value& def, const std::string& pointer, const StateMachineRead& how,
                        std::vector<Resource>& out);

// A copy of `v` in `arena` with every offset mapped by `origin`; a string
// holding a placeholder (a part the template cannot know) becomes an
// unresolved value.
Value copy_mapped(const Value& v, const Origin& origin, ValueArena& arena);

// A JSON definition held in a template as a string, or as the string an
// Fn::Join / Fn::Sub builds (parts the template cannot know become
// placeholders, and the strings holding one unresolved values), parsed and
// copied into `arena` with offsets in the template (where YAML quoting
// makes that inexact, at the property). nullopt when `v` is no such thing
// or its text is JSON only once the unknown parts are filled in; an Error
// at the offending byte in the template when a literal is not JSON.
Result<std::optional<Value>> read_embedded_json(const Document& doc, const Value& v,
                                                std::string_view what, ValueArena& arena);
// True for a string holding a placeholder read_embedded_json put there.
bool has_placeholder(std::string_view s);

}  // namespace sageguard::iac

