// tags.required, tags.value, tags.invalid: the cost-allocation tags on every
// kind. Tags live at the resource's top-level `Tags` (for a tuning job too).
#include <fmt/format.h>
#include <re2/re2.h>

#include <algorithm>
#include <optional>
#include <unordered_map>

#include "rules/rule_context.h"
#include "model/api_model_graph.h"
#include "sageguard/api_model.h"
#include "util/strings.h"
#include "util/utf8.h"

namespace sageguard::rules {
namespace {

constexpr size_t kMaxTags = 50;
constexpr size_t kMaxKeyLength = 128;
constexpr size_t kMaxValueLength = 256;

struct Tag {
  const Value* key = nullptr;    // string, or nullptr if unresolved/absent
  const Value* value = nullptr;  // string, or nullptr if unresolved/absent
  bool value_unresolved = false;
  size_t index = 0;
};

std::vector<Tag> read_tags(const Value& tags) {
  std::vector<Tag> out;
  out.reserve(tags.items().size());
  for (size_t i = 0; i < tags.items().size(); ++i) {
    const Value& t = tags.items()[i];
    if (!t.is_object()) continue;
    Tag tag;
    tag.index = i;
    const Value* k = t.find("Key");
    const Value* v = t.find("Value");
    if (k && k->is_string()) tag.key = k;
    if (v && v->is_string()) tag.value = v;
    tag.value_unresolved = v && is_unresolved_expression(*v);
    if (tag.key) out.push_back(tag);
  }
  return out;
}

// A tag, or a tag's key, the file cannot know (`!If [Prod, {Key: ...},
// !Ref AWS::NoValue]`, `Key.$`) may be any required tag.
bool has_unresolved_tag(const Value* tags) {
  if (tags == nullptr) return false;
  for (const Value& t : tags->items()) {
    if (is_unresolved_expression(t)) return true;
    const Value* k = t.find("Key");
    if (k && is_unresolved_expression(*k)) return true;
  }
  return false;
}

void check_required(RuleContext& ctx, const Value* tags, const std::vector<Tag>& present) {
  if (!ctx.enabled("tags.required") || has_unresolved_tag(tags)) return;
  const Value& root = *ctx.resource().root;
  for (const auto& want : ctx.policy().required_tags) {
    if (std::any_of(present.begin(), present.end(),
                    [&](const Tag& t) { return same_bytes(t.key->as_string(), want); })) {
      continue;
    }
    // Only a missing tag needs the keys as candidates for a suggestion.
    std::vector<std::string> keys;
    keys.reserve(present.size());
    for (const auto& t : present) keys.emplace_back(t.key->as_string());
    std::string msg = fmt::format("required tag '{}' is missing", want);
    if (auto near = closest_match(want, keys)) {
      msg += fmt::format(" (found '{}': tag keys are case- and spelling-sensitive)", *near);
    }
    ctx.emit("tags.required", tags ? tags->offset() : root.offset(), "/Tags", std::move(msg));
  }
}

void check_values(RuleContext& ctx, const std::vector<Tag>& present) {
  if (!ctx.enabled("tags.value")) return;
  const auto& policy = ctx.policy();
  for (const auto& t : present) {
    if (t.value_unresolved) continue;
    const std::string_view key = t.key->as_string();
    const TagValueRule* rule = policy.value_rule(key);
    const bool required = std::find(policy.required_tags.begin(), policy.required_tags.end(),
                                    key) != policy.required_tags.end();
    if (!rule && !required) continue;
    auto pointer = [&] { return fmt::format("/Tags/{}/Value", t.index); };
    if (!t.value || t.value->as_string().find_first_not_of(" \t") == std::string::npos) {
      ctx.emit("tags.value", t.value ? t.value->offset() : t.key->offset(), pointer(),
               fmt::format("tag '{}' has an empty value", key));
      continue;
    }
    if (!rule) continue;
    const std::string_view val = t.value->as_string();
    if (rule->regex && !RE2::FullMatch(val, *rule->regex)) {
      ctx.emit("tags.value", t.value->offset(), pointer(),
               fmt::format("tag '{}' value '{}' does not match the pattern '{}'", key, val,
                           rule->pattern.value_or("")));
    }
    if (!rule->allowed.empty() &&
        std::find(rule->allowed.begin(), rule->allowed.end(), val) == rule->allowed.end()) {
      std::string msg = fmt::format("tag '{}' value '{}' is not one of the allowed values: {}",
                                    key, val, join(rule->allowed, ", "));
      if (auto near = closest_match(val, rule->allowed)) msg += fmt::format(" (did you mean '{}'?)", *near);
      ctx.emit("tags.value", t.value->offset(), pointer(), std::move(msg));
    }
  }
}

// AWS's tag character class: letters, separators, numbers and _.:/=+-@.
// api_model::Pattern already decides a repeated character class by an ASCII
// table and hands only non-ASCII text to RE2.
bool tag_chars_allowed(std::string_view s) {
  static const api_model::Pattern kAllowed("tag characters", R"([\p{L}\p{Z}\p{N}_.:/=+\-@]*)");
  return kAllowed.full_match(s);
}

// A string has no more code points than bytes, so only one with more bytes
// than `max` needs counting.
bool exceeds_code_points(std::string_view s, size_t max) {
  return s.size() > max && utf8_count_code_points(s) > max;
}

void check_limits(RuleContext& ctx, const Value& tags, const std::vector<Tag>& present) {
  if (!ctx.enabled("tags.invalid")) return;
  if (tags.items().size() > kMaxTags) {
    ctx.emit("tags.invalid", tags.offset(), "/Tags",
             fmt::format("{} tags; AWS allows at most {}", tags.items().size(), kMaxTags));
  }
  // Duplicates: AWS allows 50 tags, so earlier keys are scanned; a document
  // with more (already a finding) gets a hash map instead of a quadratic scan.
  // Keys are views into the document, which outlives this call.
  constexpr size_t kScanLimit = 64;
  std::unordered_map<std::string_view, size_t> first_seen;
  auto first_index = [&](size_t i) -> std::optional<size_t> {
    const std::string_view key = present[i].key->as_string();
    if (present.size() <= kScanLimit) {
      for (size_t j = 0; j < i; ++j) {
        if (same_bytes(present[j].key->as_string(), key)) return present[j].index;
      }
      return std::nullopt;
    }
    auto [it, inserted] = first_seen.emplace(key, present[i].index);
    if (inserted) return std::nullopt;
    return it->second;
  };
  for (size_t i = 0; i < present.size(); ++i) {
    const Tag& t = present[i];
    const std::string_view key = t.key->as_string();
    // Pointers are only formatted for findings (most tags have none).
    auto kptr = [&] { return fmt::format("/Tags/{}/Key", t.index); };
    if (key.empty() || exceeds_code_points(key, kMaxKeyLength)) {
      ctx.emit("tags.invalid", t.key->offset(), kptr(),
               fmt::format("tag key '{}' is {} characters; keys must be 1-{}", key,
                           utf8_count_code_points(key), kMaxKeyLength));
    }
    if (!tag_chars_allowed(key)) {
      ctx.emit("tags.invalid", t.key->offset(), kptr(),
               fmt::format("tag key '{}' has characters outside letters, digits, spaces and "
                           "_.:/=+-@",
                           key));
    }
    if (ascii_lower(key.substr(0, 4)) == "aws:") {
      ctx.emit("tags.invalid", t.key->offset(), kptr(),
               fmt::format("tag key '{}' uses the reserved 'aws:' prefix", key));
    }
    if (auto first = first_index(i)) {
      ctx.emit("tags.invalid", t.key->offset(), kptr(),
               fmt::format("duplicate tag key '{}' (first at /Tags/{})", key, *first));
    }
    if (t.value) {
      const std::string_view val = t.value->as_string();
      auto vptr = [&] { return fmt::format("/Tags/{}/Value", t.index); };
      if (exceeds_code_points(val, kMaxValueLength)) {
        ctx.emit("tags.invalid", t.value->offset(), vptr(),
                 fmt::format("tag '{}' value is {} characters; values may have at most {}", key,
                             utf8_count_code_points(val), kMaxValueLength));
      }
      if (!tag_chars_allowed(val)) {
        ctx.emit("tags.invalid", t.value->offset(), vptr(),
                 fmt::format("tag '{}' value has characters outside letters, digits, spaces and "
                             "_.:/=+-@",
                             key));
      }
    }
  }
}

}  // namespace

void check_tags(RuleContext& ctx) {
  const Value& root = *ctx.resource().root;
  const Value* tags = root.find("Tags");
  if (tags && is_unresolved_expression(*tags)) return;
  if (tags && !tags->is_array()) return;  // request.invalid reports the type
  std::vector<Tag> present = tags ? read_tags(*tags) : std::vector<Tag>{};
  check_required(ctx, tags, present);
  check_values(ctx, present);
  if (tags) check_limits(ctx, *tags, present);
}

}  // namespace sageguard::rules
