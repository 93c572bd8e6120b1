#include "rules/propagation.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <optional>
#include <set>

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

// What a source is called in messages.
std::string source_label(const PropagationFacts& source) {
  if (source.kind == ResourceKind::model) return fmt::format("model '{}'", source.name);
  return source.in_pipeline ? fmt::format("training step '{}'", source.name)
                            : fmt::format("training job '{}'", source.name);
}

// `done` holds the keys earlier sources of `derived` were compared on (views
// into their facts): a key several sources carry is judged once, against
// the first.
void compare_tags(const PropagationFacts& source, const PropagationFacts& derived,
                  std::set<std::string_view>& done, std::vector<RawFinding>& out) {
  if (!source.tags || derived.tags_unresolved) return;
  // A key listed twice counts at its last place, as a lookup of the request would.
  std::map<std::string_view, const TagFact*, std::less<>> have;
  if (derived.tags) {
    for (const TagFact& t : *derived.tags) have[t.key] = &t;
  }
  const std::string what = source_label(source);
  std::vector<std::string_view> compared;
  for (const TagFact& t : *source.tags) {
    if (done.count(t.key) != 0) continue;
    compared.push_back(t.key);
    auto it = have.find(t.key);
    if (it == have.end()) {
      // A member whose key is not known may be this one: unknown, not missing.
      if (derived.tag_keys_unresolved) continue;
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
  done.insert(compared.begin(), compared.end());
}

// The text of a Terraform reference: the unresolved expression's source,
// or the JSON syntax's "${...}" holding nothing else.
std::string_view terraform_reference(const Value& v) {
  std::string_view s;
  if (const Value* text = v.find(kUnresolvedMember); text && text->is_string())
    s = text->as_string();
  const auto trim = [](std::string_view t) {
    while (!t.empty() && (t.front() == ' ' || t.front() == '\t')) t.remove_prefix(1);
    while (!t.empty() && (t.back() == ' ' || t.back() == '\t')) t.remove_suffix(1);
    return t;
  };
  s = trim(s);
  if (s.starts_with("${") && s.ends_with("}") && s.find("${", 2) == std::string_view::npos) {
    s = trim(s.substr(2, s.size() - 3));
  }
  return s;
}

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

}  // namespace

std::string referenced_resource(const Value& v, std::string_view attribute,
                                std::string_view tf_type) {
  if (!v.is_object() || v.members().size() != 1) return "";
  if (const Value* ref = v.find("Ref")) return str(ref);
  if (const Value* get = v.find("Fn::GetAtt")) {
    if (get->is_array() && get->items().size() == 2 && get->items()[1].is_string() &&
        get->items()[1].as_string() == attribute) {
      return str(&get->items()[0]);
    }
    const std::string_view s = get->is_string() ? get->as_string() : std::string_view();
    const size_t dot = s.find('.');
    if (dot != std::string_view::npos && dot > 0 && s.substr(dot + 1) == attribute) {
      return std::string(s.substr(0, dot));
    }
    return "";
  }
  // [module.<m>.]...<tf_type>.<name>[<index>].name (or .id, the same for
  // these resources); a plan names the module a reference is in.
  std::string_view s = terraform_reference(v);
  const std::string_view whole = s;
  while (s.starts_with("module.")) {
    size_t n = 7;
    while (n < s.size() && is_name_char(s[n])) ++n;
    if (n < s.size() && s[n] == '[') {  // a module instance: module.m["a"]
      const size_t close = s.find(']', n);
      n = close == std::string_view::npos ? s.size() : close + 1;
    }
    if (n >= s.size() || s[n] != '.') return "";
    s.remove_prefix(n + 1);
  }
  const std::string_view module = whole.substr(0, whole.size() - s.size());
  if (!s.starts_with(tf_type) || s.substr(tf_type.size(), 1) != ".") return "";
  s.remove_prefix(tf_type.size() + 1);
  size_t n = 0;
  while (n < s.size() && is_name_char(s[n])) ++n;
  if (n == 0) return "";
  const std::string_view name = s.substr(0, n);
  s.remove_prefix(n);
  if (s.starts_with("[")) {
    const size_t close = s.find(']');
    if (close == std::string_view::npos) return "";
    s.remove_prefix(close + 1);
  }
  if (s != ".name" && s != ".id") return "";
  return fmt::format("{}{}.{}", module, tf_type, name);
}

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
  f.resource_id = r.resource_id;
  if (!r.resource_id.empty()) f.literal_name = str(r.root->find(name_member(r.kind)));
  const Value* tags = r.root->find("Tags");
  f.tags_unresolved = tags && is_unresolved_expression(*tags);
  f.tags_at = tags ? tags->offset() : r.root->offset();
  if (tags && tags->is_array()) {
    auto& list = f.tags.emplace();
    list.reserve(tags->items().size());
    for (const auto& t : tags->items()) {
      const Value* k = t.find("Key");
      if (!k || !k->is_string()) {
        f.tag_keys_unresolved = true;  // an intrinsic member or Key
        continue;
      }
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
        for (const auto& v : pv->items()) {
          const Value* model = v.find("ModelName");
          f.variant_models.push_back(str(model));
          f.variant_model_refs.push_back(
              model ? referenced_resource(*model, "ModelName", "aws_sagemaker_model") : "");
        }
      }
      break;
    case ResourceKind::endpoint:
      if (const Value* config = r.root->find("EndpointConfigName")) {
        f.endpoint_config = str(config);
        f.endpoint_config_ref = referenced_resource(*config, "EndpointConfigName",
                                                    "aws_sagemaker_endpoint_configuration");
      }
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

namespace {

// A resource of a template or module (not a pipeline step): its model's
// own tags follow to what refers to it.
bool in_iac(const PropagationFacts& r) { return !r.resource_id.empty() && !r.in_pipeline; }

// The resource among `by_ref` (ids) or `by_name` (literal names) that a
// variant or endpoint names; nullopt when none does.
std::optional<size_t> find_named(const std::map<std::string_view, size_t, std::less<>>& by_ref,
                                 const std::map<std::string_view, size_t, std::less<>>& by_name,
                                 std::string_view ref, std::string_view name) {
  if (!ref.empty()) {
    auto it = by_ref.find(ref);
    return it != by_ref.end() ? std::optional(it->second) : std::nullopt;
  }
  auto it = by_name.find(name);
  return it != by_name.end() ? std::optional(it->second) : std::nullopt;
}

void add_source(std::vector<const PropagationFacts*>& to, const PropagationFacts* s) {
  if (s && std::find(to.begin(), to.end(), s) == to.end()) to.push_back(s);
}

}  // namespace

void check_propagation(const std::vector<PropagationFacts>& facts,
                       std::vector<std::vector<RawFinding>>& out) {
  // The resources each resource must carry the tags of (training jobs,
  // and in infrastructure as code models), in order.
  std::vector<std::vector<const PropagationFacts*>> sources(facts.size());
  std::map<std::string_view, const PropagationFacts*, std::less<>> steps, by_artifact;
  for (const auto& r : facts) {
    if (r.kind != ResourceKind::training_job) continue;
    if (r.in_pipeline) steps[r.step_name] = &r;
    if (!r.artifact_url.empty()) by_artifact[r.artifact_url] = &r;
  }
  // Requests are found by name; resources of a template or module by id
  // or by a literal name (one CloudFormation or Terraform generates is not
  // known, so the id standing in for it matches no literal).
  std::map<std::string_view, size_t, std::less<>> models, model_ids, configs, config_ids;
  std::vector<const PropagationFacts*> trained(facts.size(), nullptr);
  for (size_t i = 0; i < facts.size(); ++i) {
    const PropagationFacts& r = facts[i];
    if (r.kind != ResourceKind::model) continue;
    for (const ModelDataFact& url : r.model_data) {
      if (url.step && r.in_pipeline) {
        if (auto it = steps.find(*url.step); it != steps.end()) trained[i] = it->second;
      } else if (url.url) {
        if (auto it = by_artifact.find(*url.url); it != by_artifact.end()) trained[i] = it->second;
      }
    }
    add_source(sources[i], trained[i]);
    if (r.in_pipeline) continue;
    if (in_iac(r)) {
      model_ids[r.resource_id] = i;
      if (!r.literal_name.empty()) models[r.literal_name] = i;
    } else if (!r.name.empty()) {
      models[r.name] = i;
    }
  }
  // Endpoint configs inherit from the models they serve, endpoints from their config.
  for (size_t i = 0; i < facts.size(); ++i) {
    const PropagationFacts& r = facts[i];
    if (r.kind != ResourceKind::endpoint_config || r.in_pipeline) continue;
    if (in_iac(r)) {
      for (size_t v = 0; v < r.variant_models.size(); ++v) {
        const auto m = find_named(model_ids, models, r.variant_model_refs[v], r.variant_models[v]);
        if (!m) continue;
        add_source(sources[i], trained[*m]);
        if (in_iac(facts[*m])) add_source(sources[i], &facts[*m]);
      }
      config_ids[r.resource_id] = i;
      if (!r.literal_name.empty()) configs[r.literal_name] = i;
      continue;
    }
    for (const std::string& model : r.variant_models) {
      auto it = models.find(model);
      if (it != models.end() && trained[it->second]) sources[i] = {trained[it->second]};
    }
    if (!r.name.empty()) configs[r.name] = i;
  }
  for (size_t i = 0; i < facts.size(); ++i) {
    const PropagationFacts& r = facts[i];
    if (r.kind != ResourceKind::endpoint) continue;
    const std::string_view ref = in_iac(r) ? std::string_view(r.endpoint_config_ref) : "";
    if (const auto c = find_named(config_ids, configs, ref, r.endpoint_config))
      sources[i] = sources[*c];
  }
  for (size_t i = 0; i < facts.size(); ++i) {
    std::set<std::string_view> done;
    for (const PropagationFacts* s : sources[i]) compare_tags(*s, facts[i], done, out[i]);
  }
}

}  // namespace sageguard::rules
