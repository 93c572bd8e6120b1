#include "rules/propagation.h"

#include <fmt/format.h>

#include <cstring>
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

void compare_tags(const PropagationFacts& source, const PropagationFacts& derived,
                  std::vector<RawFinding>& out) {
  if (!source.tags || derived.tags_unresolved) return;
  // A key listed twice counts at its last place, as a lookup of the request would.
  std::map<std::string_view, const TagFact*, std::less<>> have;
  if (derived.tags) {
    for (const TagFact& t : *derived.tags) have[t.key] = &t;
  }
  const std::string what = source.in_pipeline ? fmt::format("training step '{}'", source.name)
                                              : fmt::format("training job '{}'", source.name);
  for (const TagFact& t : *source.tags) {
    auto it = have.find(t.key);
    if (it == have.end()) {
      out.push_back({"tags.propagation", derived.tags_at, "/Tags",
                     fmt::format("tag '{}' of {} is missing here", t.key, what)});
      continue;
    }
    const TagFact& mine = *it->second;
    if (t.value && mine.value && *t.value != *mine.value) {
      out.push_back({"tags.propagation", mine.offset, "/Tags",
                     fmt::format("tag '{}' is '{}' here but '{}' on {}", t.key, *mine.value,
                                 *t.value, what)});
    }
  }
}

}  // namespace

bool takes_part_in_propagation(const Resource& r) {
  return r.kind == ResourceKind::training_job || r.kind == ResourceKind::model ||
         r.kind == ResourceKind::endpoint_config || r.kind == ResourceKind::endpoint;
}

PropagationFacts propagation_facts(const Resource& r) {
  PropagationFacts f;
  f.kind = r.kind;
  f.in_pipeline = r.in_pipeline;
  f.name = r.name;
  f.step_name = r.step_name;
  const Value* tags = r.root->find("Tags");
  f.tags_unresolved = tags && is_unresolved_expression(*tags);
  f.tags_at = tags ? tags->offset() : r.root->offset();
  if (tags && tags->is_array()) {
    auto& list = f.tags.emplace();
    list.reserve(tags->items().size());
    for (const auto& t : tags->items()) {
      const Value* k = t.find("Key");
      if (!k || !k->is_string()) continue;
      const Value* v = t.find("Value");
      TagFact fact{.key = std::string(k->as_string())};
      if (v) fact.offset = v->offset();
      if (v && v->is_string()) fact.value = std::string(v->as_string());
      list.push_back(std::move(fact));
    }
  }
  switch (r.kind) {
    case ResourceKind::training_job:
      f.artifact_url = artifact_url(r);
      break;
    case ResourceKind::model:
      for (const Value* url : model_data_urls(*r.root)) {
        ModelDataFact m;
        m.step = artifact_step(url);
        if (url->is_string()) m.url = std::string(url->as_string());
        f.model_data.push_back(std::move(m));
      }
      break;
    case ResourceKind::endpoint_config:
      if (const Value* pv = r.root->find("ProductionVariants"); pv && pv->is_array()) {
        for (const auto& v : pv->items()) f.variant_models.push_back(str(v.find("ModelName")));
      }
      break;
    case ResourceKind::endpoint:
      f.endpoint_config = str(r.root->find("EndpointConfigName"));
      break;
    default:
      break;
  }
  return f;
}

namespace {

void put_size(std::string& pool, size_t n) {
  const uint32_t v = static_cast<uint32_t>(n);
  pool.append(reinterpret_cast<const char*>(&v), sizeof v);
}
void put(std::string& pool, std::string_view s) {
  put_size(pool, s.size());
  pool.append(s);
}
size_t get_size(std::string_view pool, size_t& pos) {
  uint32_t v = 0;
  std::memcpy(&v, pool.data() + pos, sizeof v);
  pos += sizeof v;
  return v;
}
std::string get(std::string_view pool, size_t& pos) {
  const size_t n = get_size(pool, pos);
  std::string s(pool.substr(pos, n));
  pos += n;
  return s;
}

}  // namespace

// Layout: name, step name, artifact URL's output path (the URL is made when
// read back), flags (in pipeline, Tags is an array), then the tags: their
// count and, for each, key, whether Value is a string, and that string.
void append_source_facts(const Resource& r, std::string& pool) {
  put(pool, r.name);
  put(pool, r.step_name);
  const Value* out = member(member(r.root, "OutputDataConfig"), "S3OutputPath");
  put(pool, out && out->is_string() ? out->as_string() : std::string_view());
  const Value* tags = r.root->find("Tags");
  const bool array = tags && tags->is_array();
  pool.push_back(static_cast<char>((r.in_pipeline ? 1 : 0) | (array ? 2 : 0)));
  if (!array) return;
  size_t count = 0;
  for (const auto& t : tags->items()) {
    const Value* k = t.find("Key");
    count += k && k->is_string();
  }
  put_size(pool, count);
  for (const auto& t : tags->items()) {
    const Value* k = t.find("Key");
    if (!k || !k->is_string()) continue;
    put(pool, k->as_string());
    const Value* v = t.find("Value");
    const bool str_value = v && v->is_string();
    pool.push_back(str_value ? 1 : 0);
    if (str_value) put(pool, v->as_string());
  }
}

PropagationFacts read_source_facts(std::string_view pool, size_t& pos) {
  PropagationFacts f;
  f.kind = ResourceKind::training_job;
  f.name = get(pool, pos);
  f.step_name = get(pool, pos);
  std::string out = get(pool, pos);
  if (!out.empty() && !f.name.empty()) {
    while (!out.empty() && out.back() == '/') out.pop_back();
    f.artifact_url = out + "/" + f.name + "/output/model.tar.gz";
  }
  const char flags = pool[pos++];
  f.in_pipeline = (flags & 1) != 0;
  if ((flags & 2) == 0) return f;
  auto& tags = f.tags.emplace();
  const size_t count = get_size(pool, pos);
  tags.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    TagFact t;
    t.key = get(pool, pos);
    if (pool[pos++] != 0) t.value = get(pool, pos);
    tags.push_back(std::move(t));
  }
  return f;
}

void check_propagation(const std::vector<PropagationFacts>& facts,
                       std::vector<std::vector<RawFinding>>& out) {
  // Which training resource each resource derives from, if any.
  std::vector<const PropagationFacts*> source(facts.size(), nullptr);
  std::map<std::string_view, const PropagationFacts*, std::less<>> steps, by_artifact;
  for (const auto& r : facts) {
    if (r.kind != ResourceKind::training_job) continue;
    if (r.in_pipeline) steps[r.step_name] = &r;
    if (!r.artifact_url.empty()) by_artifact[r.artifact_url] = &r;
  }
  std::map<std::string_view, size_t, std::less<>> models, configs;
  for (size_t i = 0; i < facts.size(); ++i) {
    const PropagationFacts& r = facts[i];
    if (r.kind != ResourceKind::model) continue;
    for (const ModelDataFact& url : r.model_data) {
      if (url.step && r.in_pipeline) {
        if (auto it = steps.find(*url.step); it != steps.end()) source[i] = it->second;
      } else if (url.url) {
        if (auto it = by_artifact.find(*url.url); it != by_artifact.end()) source[i] = it->second;
      }
    }
    if (!r.in_pipeline && !r.name.empty()) models[r.name] = i;
  }
  // Endpoint configs inherit from the models they serve, endpoints from their config.
  for (size_t i = 0; i < facts.size(); ++i) {
    const PropagationFacts& r = facts[i];
    if (r.kind != ResourceKind::endpoint_config || r.in_pipeline) continue;
    for (const std::string& model : r.variant_models) {
      auto it = models.find(model);
      if (it != models.end() && source[it->second]) source[i] = source[it->second];
    }
    if (!r.name.empty()) configs[r.name] = i;
  }
  for (size_t i = 0; i < facts.size(); ++i) {
    const PropagationFacts& r = facts[i];
    if (r.kind != ResourceKind::endpoint) continue;
    auto it = configs.find(r.endpoint_config);
    if (it != configs.end()) source[i] = source[it->second];
  }
  for (size_t i = 0; i < facts.size(); ++i) {
    if (source[i]) compare_tags(*source[i], facts[i], out[i]);
  }
}

}  // namespace sageguard::rules
