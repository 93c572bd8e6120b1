// The policy file reader (docs/policy.md, version 1). yaml-cpp parses;
// every exception it throws stops here and becomes an ErrorCode::policy Error
// with file:line:col. Settings a file omits stay empty (nothing required,
// no allow-list, no limit), except rule severities (catalogue defaults), the
// NVMe list (built-in) and spot.max_wait_factor (2.0).
#include <re2/re2.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <set>

#include <fmt/format.h>

#include "policy/policy_internal.h"
#include "policy/policy_yaml.h"
#include "model/yaml_documents.h"
#include "sageguard/document.h"
#include "sageguard/policy.h"
#include "sageguard/rule_catalog.h"
#include "util/files.h"

namespace sageguard {
namespace {

using policy_internal::PolicyYaml;

// A policy never needs more than a handful of levels; anything deeper is
// refused before yaml-cpp (which recurses per level) sees it.
constexpr uint32_t kMaxNesting = 32;

// Tag patterns: RE2's memory budget for one (program and match-time DFA
// cache: RE2's default, so every pattern that compiled before still does)
// and for all of a policy's compiled programs together. An ordinary tag
// pattern is a few hundred instructions; AWS's own tag-value pattern,
// [\p{L}\p{Z}\p{N}_.:/=+\-@]{0,256}, is the costly kind (~5.5 MiB, ~0.25 s):
// the budget has room for six of those, one per required tag.
constexpr int64_t kPatternMaxMem = int64_t{8} << 20;
constexpr uint64_t kPatternsMaxMem = uint64_t{40} << 20;
// Enough to parse, not to compile: a syntax check.
constexpr int64_t kSyntaxOnlyMem = 1024;
// RE2's accounting per program instruction (max_mem / 4 / 16-byte Inst).
constexpr uint64_t kBytesPerInstruction = 16;

size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

std::string unknown_rule_message(const std::string& id) {
  std::string best;
  size_t best_d = 4;  // suggest only near misses
  for (const RuleInfo& r : rule_catalog()) {
    const size_t d = edit_distance(id, r.id);
    if (d < best_d) {
      best_d = d;
      best = std::string(r.id);
    }
  }
  if (best.empty()) return fmt::format("unknown rule id '{}'", id);
  return fmt::format("unknown rule id '{}' (did you mean '{}'?)", id, best);
}

class Loader {
 public:
  Loader(const std::string& path, const std::string& text) : y_(path, text) {
    policy_.source = path;
    policy_.nvme_instance_types = policy_internal::builtin_nvme_instance_types();
  }

  Result<Policy> load(const YAML::Node& root) {
    if (root.IsNull()) {
      return y_.error_at(1, 1, "the policy is empty; it must be a mapping starting with 'version: 1'");
    }
    bool have_version = false;
    SG_TRY(y_.for_each_entry(
        root, "policy",
        {"version", "rules", "tags", "vpc", "kms", "spot", "limits", "production", "registry",
         "images", "waivers"},
        [&](const std::string& key, const YAML::Node&, const YAML::Node& v) -> Status {
          if (key == "version") {
            have_version = true;
            return version(v);
          }
          if (v.IsNull()) return Status::success();  // an empty section sets nothing
          if (key == "rules") return rules(v);
          if (key == "tags") return tags(v);
          if (key == "vpc") return vpc(v);
          if (key == "kms") return kms(v);
          if (key == "spot") return spot(v);
          if (key == "limits") return limits(v);
          if (key == "production") return production(v);
          if (key == "registry") return registry(v);
          if (key == "images") return images(v);
          return waivers(v);
        }));
    if (!have_version) {
      return y_.error_at(root, "missing 'version: 1' (the policy format version)");
    }
    return std::move(policy_);
  }

 private:
  void note(const std::string& setting, const YAML::Node& n) {
    policy_.origins[setting] = y_.origin(n);
  }

  Result<std::string> nonempty_string(const YAML::Node& n, std::string_view what) {
    SG_ASSIGN_OR_RETURN(std::string s, y_.read_string(n, what));
    if (s.empty()) return y_.error_at(n, fmt::format("'{}' must not be empty", what));
    return s;
  }

  Result<std::vector<std::string>> nonempty_list(const YAML::Node& n, std::string_view what) {
    SG_ASSIGN_OR_RETURN(std::vector<std::string> items, y_.read_string_list(n, what));
    std::set<std::string> seen;
    for (size_t i = 0; i < items.size(); ++i) {
      if (items[i].empty()) return y_.error_at(n[i], fmt::format("'{}' holds an empty string", what));
      if (!seen.insert(items[i]).second) {
        return y_.error_at(n[i], fmt::format("'{}' lists '{}' twice", what, items[i]));
      }
    }
    return items;
  }

  Status version(const YAML::Node& v) {
    auto n = y_.read_int(v, "version");
    if (!n.ok() || *n != 1) {
      return y_.error_at(v, "unsupported policy version (this sageguard reads 'version: 1')");
    }
    policy_.version = 1;
    note("version", v);
    return Status::success();
  }

  Status rules(const YAML::Node& map) {
    note("rules", map);
    return y_.for_each_entry(
        map, "rules", {},
        [&](const std::string& id, const YAML::Node& key, const YAML::Node& v) -> Status {
          if (find_rule(id) == nullptr) return y_.error_at(key, unknown_rule_message(id));
          SG_ASSIGN_OR_RETURN(std::string s, y_.read_string(v, "rules." + id));
          auto sev = parse_severity(s);
          if (!sev) {
            return y_.error_at(v, fmt::format("invalid severity '{}' for rule '{}' (expected error, "
                                              "warning, note or off)",
                                              s, id));
          }
          policy_.severities[id] = *sev;
          note("rules." + id, v);
          return Status::success();
        });
  }

  Status tags(const YAML::Node& map) {
    return y_.for_each_entry(
        map, "tags", {"required", "values", "defaults"},
        [&](const std::string& key, const YAML::Node&, const YAML::Node& v) -> Status {
          note("tags." + key, v);
          if (key == "required") {
            SG_ASSIGN_OR_RETURN(policy_.required_tags, nonempty_list(v, "tags.required"));
            return Status::success();
          }
          if (v.IsNull()) return Status::success();
          if (key == "values") return tag_values(v);
          return y_.for_each_entry(
              v, "tags.defaults", {},
              [&](const std::string& tag, const YAML::Node& k, const YAML::Node& value) -> Status {
                if (tag.empty()) return y_.error_at(k, "tag keys must not be empty");
                SG_ASSIGN_OR_RETURN(std::string s, y_.read_string(value, "tags.defaults." + tag));
                note("tags.defaults." + tag, value);
                policy_.tag_defaults.emplace_back(tag, std::move(s));
                return Status::success();
              });
        });
  }

  Status tag_values(const YAML::Node& map) {
    return y_.for_each_entry(
        map, "tags.values", {},
        [&](const std::string& tag, const YAML::Node& k, const YAML::Node& spec) -> Status {
          if (tag.empty()) return y_.error_at(k, "tag keys must not be empty");
          TagValueRule rule;
          rule.key = tag;
          rule.origin = y_.origin(k);
          const std::string what = "tags.values." + tag;
          if (!spec.IsNull()) {
            SG_TRY(y_.for_each_entry(
                spec, what, {"pattern", "allowed"},
                [&](const std::string& field, const YAML::Node&, const YAML::Node& v) -> Status {
                  if (field == "allowed") {
                    SG_ASSIGN_OR_RETURN(rule.allowed, y_.read_string_list(v, what + ".allowed"));
                    return Status::success();
                  }
                  SG_ASSIGN_OR_RETURN(std::string p, y_.read_string(v, what + ".pattern"));
                  return compile_pattern(p, v, rule);
                }));
          }
          policy_.tag_values.push_back(std::move(rule));
          return Status::success();
        });
  }

  Status compile_pattern(const std::string& pattern, const YAML::Node& at, TagValueRule& rule) {
    RE2::Options opt;
    opt.set_log_errors(false);
    // Validate the pattern as written first: once it is known to be a
    // well-formed regex, wrapping it in ^(?:...)$ cannot change its meaning,
    // so any RE2 match call on `regex` checks the whole value. Only the
    // syntax matters here, so RE2 is given no room to compile: "too large"
    // means it parsed.
    opt.set_max_mem(kSyntaxOnlyMem);
    RE2 raw(pattern, opt);
    if (!raw.ok() && raw.error_code() != RE2::ErrorPatternTooLarge) {
      return y_.error_at(at, fmt::format("invalid pattern for tag '{}': {}", rule.key, raw.error()));
    }
    // RE2 stops compiling once a program outgrows max_mem (2/3 of which is
    // the program's), so a pattern built to be huge fails in milliseconds
    // rather than seconds and hundreds of MB; and the policy's patterns
    // together get a budget, since their programs live as long as it does.
    const uint64_t left = pattern_bytes_ < kPatternsMaxMem ? kPatternsMaxMem - pattern_bytes_ : 0;
    // Never 0, which RE2 reads as "no limit".
    opt.set_max_mem(std::max<int64_t>(
        kSyntaxOnlyMem, static_cast<int64_t>(std::min<uint64_t>(kPatternMaxMem, left / 2 * 3))));
    auto anchored = std::make_shared<const RE2>("^(?:" + pattern + ")$", opt);
    if (!anchored->ok()) {
      if (anchored->error_code() != RE2::ErrorPatternTooLarge) {
        return y_.error_at(at, fmt::format("invalid pattern for tag '{}': {}", rule.key,
                                           anchored->error()));
      }
      if (left / 2 * 3 < static_cast<uint64_t>(kPatternMaxMem)) {
        return y_.error_at(at, fmt::format("pattern for tag '{}' takes the policy's tag patterns "
                                           "over their budget of {} MiB compiled; use simpler "
                                           "patterns (or an allowed list)",
                                           rule.key, kPatternsMaxMem >> 20));
      }
      return y_.error_at(at, fmt::format("pattern for tag '{}' is too large: over {} MiB "
                                         "compiled; use a simpler pattern (or an allowed list)",
                                         rule.key, kPatternMaxMem >> 20));
    }
    pattern_bytes_ += static_cast<uint64_t>(anchored->ProgramSize()) * kBytesPerInstruction;
    rule.pattern = pattern;
    rule.regex = std::move(anchored);
    return Status::success();
  }

  Status vpc(const YAML::Node& map) {
    return y_.for_each_entry(
        map, "vpc", {"subnets", "security_groups", "subnets_reach_s3"},
        [&](const std::string& key, const YAML::Node&, const YAML::Node& v) -> Status {
          note("vpc." + key, v);
          if (key == "subnets_reach_s3") {
            if (!policy_internal::is_plain_scalar(v) || (v.Scalar() != "true" && v.Scalar() != "false")) {
              return y_.error_at(v, "'vpc.subnets_reach_s3' must be true or false");
            }
            policy_.subnets_reach_s3 = v.Scalar() == "true";
            return Status::success();
          }
          auto& dst = key == "subnets" ? policy_.subnets : policy_.security_groups;
          SG_ASSIGN_OR_RETURN(dst, nonempty_list(v, "vpc." + key));
          return Status::success();
        });
  }

  Status kms(const YAML::Node& map) {
    return y_.for_each_entry(
        map, "kms", {"volume_key", "output_key", "allowed", "nvme_instance_types"},
        [&](const std::string& key, const YAML::Node&, const YAML::Node& v) -> Status {
          const std::string what = "kms." + key;
          if (v.IsNull()) return Status::success();
          note(what, v);
          if (key == "volume_key" || key == "output_key") {
            SG_ASSIGN_OR_RETURN(std::string s, nonempty_string(v, what));
            (key == "volume_key" ? policy_.volume_key : policy_.output_key) = std::move(s);
          } else if (key == "allowed") {
            SG_ASSIGN_OR_RETURN(policy_.kms_allowed, nonempty_list(v, what));
          } else {
            SG_ASSIGN_OR_RETURN(policy_.nvme_instance_types, nonempty_list(v, what));
          }
          return Status::success();
        });
  }

  Status spot(const YAML::Node& map) {
    return y_.for_each_entry(
        map, "spot", {"checkpoint_s3_prefix", "max_wait_factor"},
        [&](const std::string& key, const YAML::Node&, const YAML::Node& v) -> Status {
          const std::string what = "spot." + key;
          if (v.IsNull()) return Status::success();
          note(what, v);
          if (key == "checkpoint_s3_prefix") {
            SG_ASSIGN_OR_RETURN(std::string s, nonempty_string(v, what));
            // CheckpointConfig.S3Uri must match (https|s3)://([^/]+)/?(.*).
            const bool scheme = s.starts_with("s3://") || s.starts_with("https://");
            const size_t host = s.find("://") + 3;
            if (!scheme || host >= s.size() || s[host] == '/') {
              return y_.error_at(v, fmt::format("'{}' must be an s3://BUCKET/... URI", what));
            }
            policy_.checkpoint_s3_prefix = std::move(s);
            return Status::success();
          }
          // MaxWait = factor x MaxRuntime: below 1 the API refuses the job;
          // far above, the wait for capacity dwarfs any run (and the product
          // leaves the API's integer range).
          auto f = y_.read_number(v, what);
          if (!f.ok() || *f < 1.0 || *f > kMaxWaitFactorLimit) {
            return y_.error_at(v, fmt::format("'{}' must be a number from 1 to {:g}", what,
                                              kMaxWaitFactorLimit));
          }
          policy_.max_wait_factor = *f;
          return Status::success();
        });
  }

  Status limits(const YAML::Node& map) {
    return y_.for_each_entry(
        map, "limits",
        {"instance_types", "max_runtime_seconds", "max_job_cost_usd", "min_instance_count",
         "min_notebook_platform"},
        [&](const std::string& key, const YAML::Node&, const YAML::Node& v) -> Status {
          const std::string what = "limits." + key;
          if (v.IsNull()) return Status::success();
          note(what, v);
          if (key == "instance_types") {
            SG_ASSIGN_OR_RETURN(policy_.instance_types, nonempty_list(v, what));
          } else if (key == "min_instance_count") {
            auto n = y_.read_int(v, what);
            if (!n.ok() || *n <= 0) {
              return y_.error_at(v, fmt::format("'{}' must be a positive integer", what));
            }
            policy_.min_instance_count = *n;
          } else if (key == "min_notebook_platform") {
            SG_ASSIGN_OR_RETURN(std::string s, nonempty_string(v, what));
            if (!parse_notebook_platform(s)) {
              return y_.error_at(v, fmt::format("'{}' must name a notebook platform such as "
                                                "notebook-al2-v3",
                                                what));
            }
            policy_.min_notebook_platform = std::move(s);
          } else if (key == "max_runtime_seconds") {
            auto n = y_.read_int(v, what);
            if (!n.ok() || *n <= 0) {
              return y_.error_at(v, fmt::format("'{}' must be a positive integer", what));
            }
            policy_.max_runtime_seconds = *n;
          } else {
            auto d = y_.read_number(v, what);
            if (!d.ok() || *d <= 0) {
              return y_.error_at(v, fmt::format("'{}' must be a positive number", what));
            }
            policy_.max_job_cost_usd = *d;
          }
          return Status::success();
        });
  }

  // production: {names: [globs], tags: {Key: [values]}}
  Status production(const YAML::Node& map) {
    return y_.for_each_entry(
        map, "production", {"names", "tags"},
        [&](const std::string& key, const YAML::Node&, const YAML::Node& v) -> Status {
          const std::string what = "production." + key;
          if (v.IsNull()) return Status::success();
          note(what, v);
          if (key == "names") {
            SG_ASSIGN_OR_RETURN(policy_.production_names, nonempty_list(v, what));
            return Status::success();
          }
          return y_.for_each_entry(
              v, what, {},
              [&](const std::string& tag, const YAML::Node& k, const YAML::Node& values) -> Status {
                if (tag.empty()) return y_.error_at(k, "tag keys must not be empty");
                SG_ASSIGN_OR_RETURN(std::vector<std::string> list,
                                    nonempty_list(values, what + "." + tag));
                policy_.production_tags.emplace_back(tag, std::move(list));
                return Status::success();
              });
        });
  }

  Status registry(const YAML::Node& map) {
    return y_.for_each_entry(
        map, "registry", {"manual_approval"},
        [&](const std::string&, const YAML::Node&, const YAML::Node& v) -> Status {
          if (!policy_internal::is_plain_scalar(v) || (v.Scalar() != "true" && v.Scalar() != "false")) {
            return y_.error_at(v, "'registry.manual_approval' must be true or false");
          }
          note("registry.manual_approval", v);
          policy_.manual_approval = v.Scalar() == "true";
          return Status::success();
        });
  }

  Status images(const YAML::Node& map) {
    return y_.for_each_entry(
        map, "images", {"allowed_registries"},
        [&](const std::string&, const YAML::Node&, const YAML::Node& v) -> Status {
          if (v.IsNull()) return Status::success();
          note("images.allowed_registries", v);
          SG_ASSIGN_OR_RETURN(policy_.allowed_registries,
                              nonempty_list(v, "images.allowed_registries"));
          for (size_t i = 0; i < policy_.allowed_registries.size(); ++i) {
            const std::string& id = policy_.allowed_registries[i];
            if (id.size() != 12 || id.find_first_not_of("0123456789") != std::string::npos) {
              return y_.error_at(v[i], fmt::format("'images.allowed_registries' holds '{}', not "
                                                   "a 12-digit AWS account id",
                                                   id));
            }
          }
          return Status::success();
        });
  }

  Status waivers(const YAML::Node& list) {
    note("waivers", list);
    if (!list.IsSequence()) {
      return y_.error_at(list, "'waivers' must be a list of {rule, resource, reason, expires}");
    }
    for (const YAML::Node& item : list) {
      Waiver w;
      w.origin = y_.origin(item);
      std::set<std::string> have;
      SG_TRY(y_.for_each_entry(
          item, "waivers[]", {"rule", "resource", "reason", "expires"},
          [&](const std::string& key, const YAML::Node&, const YAML::Node& v) -> Status {
            const std::string what = "waivers[]." + key;
            SG_ASSIGN_OR_RETURN(std::string s, nonempty_string(v, what));
            have.insert(key);
            if (key == "rule") {
              if (find_rule(s) == nullptr) return y_.error_at(v, unknown_rule_message(s));
              w.rule = std::move(s);
            } else if (key == "resource") {
              w.resource = std::move(s);
            } else if (key == "reason") {
              w.reason = std::move(s);
            } else {
              if (!policy_internal::is_valid_date(s)) {
                return y_.error_at(v, fmt::format("invalid date '{}' (expected a real YYYY-MM-DD "
                                                  "calendar date)",
                                                  s));
              }
              w.expires = std::move(s);
            }
            return Status::success();
          }));
      for (const char* field : {"rule", "resource", "reason", "expires"}) {
        if (have.count(field) == 0) {
          return y_.error_at(item, fmt::format("waiver lacks '{}' (each waiver needs rule, "
                                               "resource, reason and expires)",
                                               field));
        }
      }
      policy_.waivers.push_back(std::move(w));
    }
    return Status::success();
  }

  PolicyYaml y_;
  Policy policy_;
  uint64_t pattern_bytes_ = 0;  // compiled size of the tag patterns so far
};

}  // namespace

Result<Policy> parse_policy(const std::string& path, const std::string& text) {
  policy_internal::PolicyYaml y(path, text);
  if (text.size() > policy_internal::kMaxPolicyBytes) {
    return y.error_at(0, 0, fmt::format("policy is {} bytes, over the limit of {} bytes",
                                        text.size(), policy_internal::kMaxPolicyBytes));
  }
  if (auto at = policy_internal::nesting_exceeds(text, kMaxNesting)) {
    return y.error_at(at->line, at->column,
                      fmt::format("nesting deeper than {} levels", kMaxNesting));
  }
  try {
    // Not YAML::LoadAll: it can loop for ever in yaml-cpp 0.7 (see
    // model/yaml_documents.h).
    const YAML::Node doc = YAML::Load(text);
    if (auto second = yaml_second_document_offset(text)) {
      return error_at_offset(ErrorCode::policy, path, text, *second,
                             "a policy file holds exactly one YAML document");
    }
    Loader loader(path, text);
    return loader.load(doc);
  } catch (const YAML::Exception& e) {
    return y.error_at(e.mark, fmt::format("invalid YAML: {}", e.msg));
  } catch (const std::exception& e) {
    return y.error_at(0, 0, fmt::format("cannot read policy: {}", e.what()));
  }
}

Result<Policy> load_policy_file(const std::string& path) {
  auto text = read_file_limited(path, policy_internal::kMaxPolicyBytes);
  if (!text.ok()) {
    Error e = std::move(text).error();
    // An oversized or unreadable policy is an invalid policy to the caller.
    if (e.code == ErrorCode::input) e.code = ErrorCode::policy;
    if (e.file.empty()) e.file = path;
    return e;
  }
  return parse_policy(path, *text);
}

Result<Policy> resolve_policy(const std::optional<std::string>& explicit_path) {
  if (explicit_path) return load_policy_file(*explicit_path);
  if (const char* env = std::getenv("SAGEGUARD_POLICY"); env != nullptr && *env != '\0') {
    return load_policy_file(env);
  }
  std::error_code ec;
  if (std::filesystem::exists("sageguard.yaml", ec)) return load_policy_file("sageguard.yaml");
  return default_policy();
}

}  // namespace sageguard
