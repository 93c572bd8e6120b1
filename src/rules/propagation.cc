#include "rules/propagation.h"

#include <fmt/format.h>

#include <map>
#include <optional>

#include "sageguard/api_model.h"

namespace sageguard::rules {
namespace {

const Value* member(const Value* v, std::string_view key) { return v ? v->find(key) : nullptr; }

std::string str(const Value* v) { return v && v->is_string() ? std::string(v->as_string()) : std::string(); }

// The step named in {"Get": "Steps.<Name>.ModelArtifacts.S3ModelArtifacts"}.
std::optional<std::string> artifact_step(const Value* url) {
  const Value* get = member(url, "Get");
  if (!get || !get->is_string()) return std::nullopt;
  std::string_view s = get->as_string();
  constexpr std::string_view kPrefix = "Steps.";
  constexpr std::string_view kSuffix = ".ModelArtifacts.S3ModelArtifacts";
  if (!s.starts_with(kPrefix) || !s.ends_with(kSuffix)) return std::nullopt;
  return std::string(s.substr(kPrefix.size(), s.size() - kPrefix.size() - kSuffix.size()));
}

std::vector<const Value*> model_data_urls(const Value& model) {
  std::vector<const Value*> urls;
  if (const Value* u = member(member(&model, "PrimaryContainer"), "ModelDataUrl")) urls.push_back(u);
  if (const Value* cs = model.find("Containers"); cs && cs->is_array()) {
    for (const auto& c : cs->items()) {
      if (const Value* u = c.find("ModelDataUrl")) urls.push_back(u);
    }
  }
  return urls;
}

// SageMaker writes a training job's model to <S3OutputPath>/<name>/output/model.tar.gz.
std::string artifact_url(const Resource& training) {
  std::string out = str(member(member(training.root, "OutputDataConfig"), "S3OutputPath"));
  if (out.empty() || training.name.empty()) return "";
  while (!out.empty() && out.back() == '/') out.pop_back();
  return out + "/" + training.name + "/output/model.tar.gz";
}

void compare_tags(const Policy& policy, const Resource& source, const Resource& derived,
                  std::vector<RawFinding>& out) {
  (void)policy;
  const Value* src_tags = source.root->find("Tags");
  if (!src_tags || !src_tags->is_array()) return;
  const Value* dst_tags = derived.root->find("Tags");
  if (dst_tags && is_unresolved_expression(*dst_tags)) return;
  std::map<std::string_view, const Value*, std::less<>> have;
  if (dst_tags && dst_tags->is_array()) {
    for (const auto& t : dst_tags->items()) {
      if (const Value* k = t.find("Key"); k && k->is_string()) have[k->as_string()] = t.find("Value");
    }
  }
  const uint64_t at = dst_tags ? dst_tags->offset() : derived.root->offset();
  const std::string what = source.in_pipeline ? fmt::format("training step '{}'", source.name)
                                              : fmt::format("training job '{}'", source.name);
  for (const auto& t : src_tags->items()) {
    const Value* k = t.find("Key");
    if (!k || !k->is_string()) continue;
    const Value* v = t.find("Value");
    auto it = have.find(k->as_string());
    if (it == have.end()) {
      out.push_back({"tags.propagation", at, "/Tags",
                     fmt::format("tag '{}' of {} is missing here", k->as_string(), what)});
      continue;
    }
    const Value* mine = it->second;
    if (v && v->is_string() && mine && mine->is_string() && v->as_string() != mine->as_string()) {
      out.push_back({"tags.propagation", mine->offset(), "/Tags",
                     fmt::format("tag '{}' is '{}' here but '{}' on {}", k->as_string(),
                                 mine->as_string(), v->as_string(), what)});
    }
  }
}

}  // namespace

void check_propagation(const Policy& policy, const std::vector<Resource>& resources,
                       std::vector<std::vector<RawFinding>>& out) {
  if (policy.severity_of("tags.propagation") == Severity::off) return;
  // Which training resource each resource derives from, if any.
  std::vector<const Resource*> source(resources.size(), nullptr);
  std::map<std::string, const Resource*, std::less<>> steps, by_artifact;
  for (const auto& r : resources) {
    if (r.kind != ResourceKind::training_job) continue;
    if (r.in_pipeline) steps[r.step_name] = &r;
    if (std::string url = artifact_url(r); !url.empty()) by_artifact[url] = &r;
  }
  std::map<std::string, size_t> models, configs;
  for (size_t i = 0; i < resources.size(); ++i) {
    const Resource& r = resources[i];
    if (r.kind != ResourceKind::model) continue;
    for (const Value* url : model_data_urls(*r.root)) {
      if (auto step = artifact_step(url); step && r.in_pipeline) {
        if (auto it = steps.find(*step); it != steps.end()) source[i] = it->second;
      } else if (url->is_string()) {
        if (auto it = by_artifact.find(url->as_string()); it != by_artifact.end()) {
          source[i] = it->second;
        }
      }
    }
    if (!r.in_pipeline && !r.name.empty()) models[r.name] = i;
  }
  // Endpoint configs inherit from the models they serve, endpoints from their config.
  for (size_t i = 0; i < resources.size(); ++i) {
    const Resource& r = resources[i];
    if (r.kind != ResourceKind::endpoint_config || r.in_pipeline) continue;
    if (const Value* pv = r.root->find("ProductionVariants"); pv && pv->is_array()) {
      for (const auto& v : pv->items()) {
        auto it = models.find(str(v.find("ModelName")));
        if (it != models.end() && source[it->second]) source[i] = source[it->second];
      }
    }
    if (!r.name.empty()) configs[r.name] = i;
  }
  for (size_t i = 0; i < resources.size(); ++i) {
    const Resource& r = resources[i];
    if (r.kind != ResourceKind::endpoint) continue;
    auto it = configs.find(str(r.root->find("EndpointConfigName")));
    if (it != configs.end()) source[i] = source[it->second];
  }
  for (size_t i = 0; i < resources.size(); ++i) {
    if (source[i]) compare_tags(policy, *source[i], resources[i], out[i]);
  }
}

}  // namespace sageguard::rules
