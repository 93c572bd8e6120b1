// Finding the SageMaker resources of a Terraform configuration or plan and
// their provider's default tags; the translation into request shape is in
// terraform_translate.cc.
#include <algorithm>
#include <array>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/pipeline_steps.h"
#include "model/terraform.h"
#include "model/terraform_module.h"
#include "model/terraform_plan_refs.h"
#include "model/terraform_translate.h"
#include "sageguard/api_model.h"

namespace sageguard {
namespace {

using terraform::Syntax;
using terraform::Translator;

struct TypeInfo {
  std::string_view type;
  std::optional<ResourceKind> kind;  // nullopt: pipeline or state machine, read apart
  std::string_view name_member;
  std::string_view name_argument;
};

constexpr TypeInfo kTypes[] = {
    {"aws_sagemaker_model", ResourceKind::model, "ModelName", "name"},
    {"aws_sagemaker_endpoint_configuration", ResourceKind::endpoint_config, "EndpointConfigName",
     "name"},
    {"aws_sagemaker_endpoint", ResourceKind::endpoint, "EndpointName", "name"},
    // Not in the AWS provider 5.x; its arguments are the API's in
    // snake_case (provider documentation, 6.x).
    {"aws_sagemaker_training_job", ResourceKind::training_job, "TrainingJobName",
     "training_job_name"},
    {"aws_sagemaker_pipeline", std::nullopt, "", ""},
    {"aws_sfn_state_machine", std::nullopt, "", ""},
};

const TypeInfo* type_info(std::string_view type) {
  for (const TypeInfo& t : kTypes) {
    if (t.type == type) return &t;
  }
  return nullptr;
}

// One resource as the source holds it.
struct Block {
  std::string_view type;
  std::string address;
  const Value* body = nullptr;     // arguments (a plan's `after` / `values`)
  const Value* unknown = nullptr;  // a plan's `after_unknown`
  uint64_t offset = 0;             // where findings about the whole resource point
};

void configuration_blocks(const Value& root, std::vector<Block>& out) {
  for (const auto& [key, resources] : root.members()) {
    if (key != "resource") continue;
    each_block_object(resources, [&](const Value& by_type) {
      // Plain members, not structured bindings: the lambdas below use the
      // key, and clang before 16 cannot capture a structured binding.
      for (const Member& typed : by_type.members()) {
        const std::string_view type = typed.first;
        if (type_info(type) == nullptr) continue;
        each_block_object(typed.second, [&](const Value& named) {
          for (const Member& entry : named.members()) {
            const std::string_view name = entry.first;
            each_block_object(entry.second, [&](const Value& b) {
              out.push_back({.type = type,
                             .address = std::string(type) + "." + std::string(name),
                             .body = &b,
                             .offset = b.offset()});
            });
          }
        });
      }
    });
  }
}

std::string_view string_of(const Value* v) {
  return v != nullptr && v->is_string() ? v->as_string() : std::string_view();
}

void plan_module(const Value& module, int depth, std::vector<Block>& out) {
  if (depth > 64) return;
  if (const Value* rs = module.find("resources"); rs && rs->is_array()) {
    for (const Value& r : rs->items()) {
      const Value* values = r.find("values");
      if (string_of(r.find("mode")) != "managed" || values == nullptr || !values->is_object() ||
          type_info(string_of(r.find("type"))) == nullptr) {
        continue;
      }
      const Value* address = r.find("address");
      out.push_back({.type = string_of(r.find("type")),
                     .address = std::string(string_of(address)),
                     .body = values,
                     .offset = address != nullptr ? address->key_off() : r.offset()});
    }
  }
  if (const Value* children = module.find("child_modules"); children && children->is_array()) {
    for (const Value& c : children->items()) plan_module(c, depth + 1, out);
  }
}

// resource_changes (with after_unknown) when the plan has them, else
// planned_values: both describe the same resources.
void plan_blocks(const Value& root, std::vector<Block>& out) {
  if (const Value* changes = root.find("resource_changes"); changes && changes->is_array()) {
    for (const Value& rc : changes->items()) {
      const Value* change = rc.find("change");
      const Value* after = change != nullptr ? change->find("after") : nullptr;
      if (string_of(rc.find("mode")) != "managed" || after == nullptr || !after->is_object() ||
          type_info(string_of(rc.find("type"))) == nullptr) {
        continue;  // a data source, or a resource the plan deletes
      }
      const Value* address = rc.find("address");
      out.push_back({.type = string_of(rc.find("type")),
                     .address = std::string(string_of(address)),
                     .body = after,
                     .unknown = change->find("after_unknown"),
                     .offset = address != nullptr ? address->key_off() : rc.offset()});
    }
    return;
  }
  const Value* planned = root.find("planned_values");
  const Value* module = planned != nullptr ? planned->find("root_module") : nullptr;
  if (module != nullptr) plan_module(*module, 0, out);
}

// `provider = aws.west` (HCL reference, or "aws.west" in the JSON syntax).
std::string_view provider_alias(const Value& body) {
  const Value* p = body.find("provider");
  if (p == nullptr) return {};
  std::string_view ref = string_of(p);
  if (const Value* text = p->find(kUnresolvedMember)) ref = string_of(text);
  const size_t dot = ref.find('.');
  return dot == std::string_view::npos ? std::string_view() : ref.substr(dot + 1);
}

const Value* keep(ValueArena& arena, Value v) {
  auto* p = static_cast<Value*>(arena.allocate(sizeof(Value)));
  *p = v;
  return p;
}

// An inline definition (pipeline_definition, a state machine's definition):
// the object given to jsonencode(), or a literal JSON string.
const Value* inline_definition(const Document& doc, const Value& v, uint64_t at,
                               Translator& tr, ValueArena& arena) {
  if (const Value* arg = v.find("Fn::jsonencode"); arg && v.members().size() == 1) return arg;
  if (!v.is_string() || tr.is_template(v)) return nullptr;
  const std::string_view s = v.as_string();
  const std::string_view text = doc.text();
  uint64_t content = v.offset();
  if (content < text.size() && text[content] == '"') {
    content += 1;
  } else if (text.substr(content, 2) == "<<") {
    const size_t nl = text.find('\n', content);
    content = nl == std::string_view::npos ? text.size() : nl + 1;
  }
  const bool same = content <= text.size() && text.substr(content, s.size()) == s;
  Value parsed;
  if (!tr.parse_json_text(s, content, same, at, parsed)) return nullptr;
  return keep(arena, parsed);
}

}  // namespace

TerraformSource terraform_source(const Document& doc) {
  if (doc.format() == SourceFormat::hcl) return TerraformSource::configuration;
  if (doc.format() != SourceFormat::json || doc.deferred()) return TerraformSource::none;
  const Value& root = doc.root();
  if (!root.is_object()) return TerraformSource::none;
  if (root.find("format_version") &&
      (root.find("planned_values") || root.find("resource_changes"))) {
    return TerraformSource::plan;
  }
  if (doc.path().ends_with(".tf.json")) return TerraformSource::configuration;
  const Value* resources = root.find("resource");
  if (resources != nullptr && resources->is_object()) {
    for (const auto& [type, unused] : resources->members()) {
      if (type.starts_with("aws_")) return TerraformSource::configuration;
    }
  }
  return TerraformSource::none;
}

TerraformSource terraform_source(const Document& doc, std::optional<IacFormat> format,
                                 std::string* reason) {
  const TerraformSource found = terraform_source(doc);
  if (!format) return found;
  if (*format != IacFormat::terraform && *format != IacFormat::terraform_plan) {
    return TerraformSource::none;
  }
  const bool plan = *format == IacFormat::terraform_plan;
  const TerraformSource want = plan ? TerraformSource::plan : TerraformSource::configuration;
  if (found == want) return found;
  // A JSON configuration named otherwise than `.tf.json`, or holding no
  // aws_ resource: Terraform's JSON syntax allows only its block types at
  // the top level.
  if (!plan && found == TerraformSource::none && doc.format() == SourceFormat::json &&
      !doc.deferred() && doc.root().is_object() && !doc.root().members().empty()) {
    static constexpr std::array<std::string_view, 12> kBlocks = {
        "resource", "data",   "module", "provider", "terraform", "variable",
        "output",   "locals", "moved",  "import",   "check",     "removed"};
    const auto& members = doc.root().members();
    if (std::all_of(members.begin(), members.end(), [](const auto& m) {
          return std::find(kBlocks.begin(), kBlocks.end(), m.first) != kBlocks.end();
        })) {
      return TerraformSource::configuration;
    }
  }
  if (reason != nullptr) {
    if (found == TerraformSource::plan) {
      *reason = "it is a Terraform plan, not a configuration (use --kind terraform-plan)";
    } else if (found == TerraformSource::configuration) {
      *reason = "it is a Terraform configuration, not a plan (use --kind terraform)";
    } else if (plan) {
      *reason =
          "it is not a Terraform plan (no format_version with planned_values or "
          "resource_changes, as `terraform show -json` writes)";
    } else {
      *reason =
          "it is not a Terraform configuration (neither HCL nor JSON whose top level "
          "holds only Terraform blocks: resource, provider, variable, ...)";
    }
  }
  return TerraformSource::none;
}

Status extract_terraform(const Document& doc, TerraformSource source, ExtractResult& out,
                         const StateMachineSink& machines, const TerraformProviders* module) {
  if (!out.translated) out.translated = std::make_shared<ValueArena>();
  ValueArena& arena = *out.translated;
  const bool plan = source == TerraformSource::plan;
  Translator tr(arena, plan ? Syntax::plan
                            : (doc.format() == SourceFormat::hcl ? Syntax::hcl : Syntax::json));
  const Value& root = doc.root();
  std::vector<Block> blocks;
  // Read when a resource's file has no aws provider of its own, and not
  // given by the caller: this file's folder, read now.
  std::optional<TerraformProviders> folder;
  std::optional<terraform::PlanReferences> refs;
  if (plan) {
    plan_blocks(root, blocks);
    refs.emplace(root);
  } else {
    configuration_blocks(root, blocks);
  }
  for (const Block& b : blocks) {
    const TypeInfo& t = *type_info(b.type);
    const Value& body = *b.body;
    if (t.kind) {
      const Value* tags = nullptr;
      if (plan) {
        const Value* all = body.find("tags_all");
        const Value* all_unknown = b.unknown != nullptr ? b.unknown->find("tags_all") : nullptr;
        const Value* own = all != nullptr && !all->is_null() ? all : body.find("tags");
        if ((own != nullptr && !own->is_null()) || (all_unknown && all_unknown->is_true())) {
          const uint64_t at = own != nullptr && own->key_off() != 0 ? own->key_off() : b.offset;
          tags = keep(arena, tr.tags(nullptr, own, all_unknown, at));
        }
      } else {
        const std::string_view alias = provider_alias(body);
        bool provider = false;
        const Value* defaults = aws_default_tags(root, alias, provider);
        Value moved;
        if (!provider) {
          // A module's provider blocks usually sit in another file of its
          // folder (providers.tf).
          if (module == nullptr && !folder) {
            folder.emplace();
            std::error_code ec;
            if (std::filesystem::is_regular_file(doc.path(), ec)) {
              folder->add_folder_of(doc.path(), {});
            }
          }
          bool elsewhere = false;
          // From another file: its offsets mean nothing here.
          if (const Value* d =
                  (module ? *module : *folder).default_tags(doc.path(), alias, elsewhere)) {
            moved = tr.relocated(*d, b.offset);
            defaults = &moved;
          }
        }
        const Value* own = body.find("tags");
        if (own != nullptr && own->is_null()) own = nullptr;
        if (defaults != nullptr || own != nullptr) {
          const uint64_t at = own != nullptr ? own->key_off() : b.offset;
          tags = keep(arena, tr.tags(defaults, own, nullptr, at));
        }
      }
      Value built = tr.resource(body, b.unknown, b.offset, t.name_member, t.name_argument, tags);
      if (refs) built = refs->with_references(b.address, b.type, *t.kind, built, tr, arena);
      const Value* request = keep(arena, built);
      Resource r;
      r.kind = *t.kind;
      r.root = request;
      r.resource_id = b.address;
      const Value* name = request->find(t.name_member);
      r.name = name != nullptr && name->is_string() ? std::string(name->as_string()) : b.address;
      r.unresolved_values = count_unresolved(*request);
      out.resources.push_back(std::move(r));
      continue;
    }
    const bool pipeline = b.type == "aws_sagemaker_pipeline";
    const char* argument = pipeline ? "pipeline_definition" : "definition";
    const Value* def = body.find(argument);
    if (def == nullptr || def->is_null()) continue;
    const Value* unknown = b.unknown != nullptr ? b.unknown->find(argument) : nullptr;
    if (unknown != nullptr && unknown->is_true()) continue;
    const Value* parsed = inline_definition(doc, *def, def->key_off(), tr, arena);
    if (parsed == nullptr || !parsed->is_object()) continue;
    if (pipeline) {
      const size_t first = out.resources.size();
      add_pipeline_steps(*parsed, "", out.resources);
      for (size_t i = first; i < out.resources.size(); ++i) {
        out.resources[i].resource_id = b.address;
      }
    } else if (machines) {
      machines({.resource_id = b.address, .definition = parsed, .offset = def->key_off()}, out);
    }
  }
  out.recognised = !out.resources.empty();
  if (!out.recognised) {
    out.reason = plan ? "a Terraform plan without SageMaker resources"
                      : "a Terraform configuration without SageMaker resources";
  }
  return Status::success();
}

}  // namespace sageguard
