// Recorded Describe* responses for `cost --jobs --from-describes` and `roi`:
// JSON documents, arrays of them, or JSON lines, from files or folders, as
// `aws sagemaker describe-...` and `list-tags` print them; endpoints are
// paired with their endpoint configs and descriptions with their tags.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <map>
#include <sstream>

#include "cost/job_cost.h"
#include "util/files.h"
#include "util/json_depth.h"

namespace sageguard::cost {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// The members that name a resource (and its ARN) in a description.
constexpr const char* kNameKeys[] = {
    "TrainingJobName",    "ProcessingJobName",           "TransformJobName", "EndpointName",
    "EndpointConfigName", "HyperParameterTuningJobName", "ModelName"};
constexpr const char* kArnKeys[] = {"TrainingJobArn", "ProcessingJobArn", "TransformJobArn",
                                    "EndpointArn", "HyperParameterTuningJobArn"};

struct Loaded {
  std::vector<json> items;
  std::vector<std::string> files;
};

void add_value(json v, const std::string& file, Loaded& out) {
  if (v.is_array()) {
    for (auto& x : v) {
      if (x.is_object()) {
        out.items.push_back(std::move(x));
        out.files.push_back(file);
      }
    }
  } else if (v.is_object()) {
    out.items.push_back(std::move(v));
    out.files.push_back(file);
  }
}

Status read_file(const std::string& path, Loaded& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error::at(ErrorCode::io, path, 0, 0, "cannot open");
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  // The records are copied and walked later, recursively: a text nested
  // deeper than our document readers accept is refused here.
  if (json_nesting_exceeds(text)) {
    return Error::at(ErrorCode::input, path, 0, 0,
                     "nests deeper than " + std::to_string(kMaxJsonDepth) + " levels");
  }
  json whole = json::parse(text, nullptr, false);
  if (!whole.is_discarded()) {
    add_value(std::move(whole), path, out);
    return Status::success();
  }
  // JSON lines: one document per non-blank line.
  std::istringstream lines(text);
  std::string line;
  uint32_t n = 0;
  while (std::getline(lines, line)) {
    ++n;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    json v = json::parse(line, nullptr, false);
    if (v.is_discarded()) {
      return Error::at(ErrorCode::input, path, n, 0, "not a JSON document or JSON lines");
    }
    add_value(std::move(v), path, out);
  }
  return Status::success();
}

bool wanted(const fs::path& p) {
  auto ext = p.extension().string();
  return ext == ".json" || ext == ".jsonl" || ext == ".ndjson";
}

bool names_a_resource(const json& d) {
  return std::any_of(std::begin(kNameKeys), std::end(kNameKeys),
                     [&](const char* k) { return d.contains(k); });
}

const json* member_of(const json& d, std::initializer_list<const char*> keys) {
  for (const char* k : keys) {
    auto it = d.find(k);
    if (it != d.end() && !it->is_null()) return &*it;
  }
  return nullptr;
}

// ListTags' [{"Key","Value"}], or a {KEY: VALUE} object, as [{"Key","Value"}].
Result<json> tag_list(const json& tags, const std::string& file) {
  json out = json::array();
  if (tags.is_array()) {
    for (const auto& t : tags) {
      if (!t.is_object() || !t.contains("Key") || !t["Key"].is_string() ||
          (t.contains("Value") && !t["Value"].is_string())) {
        return Error::at(ErrorCode::input, file, 0, 0,
                         "tags must be {\"Key\": ..., \"Value\": ...} strings");
      }
      out.push_back({{"Key", t["Key"]}, {"Value", t.value("Value", "")}});
    }
    return out;
  }
  if (tags.is_object()) {
    for (const auto& [k, v] : tags.items()) {
      if (!v.is_string())
        return Error::at(ErrorCode::input, file, 0, 0, "tag '" + k + "' must have a string value");
      out.push_back({{"Key", k}, {"Value", v}});
    }
    return out;
  }
  return Error::at(ErrorCode::input, file, 0, 0,
                   "tags must be a list of {Key, Value} or an object");
}

// The name of the billed resource a description is about (a transform
// job's ModelName or an endpoint's EndpointConfigName is not its own);
// empty for endpoint configs, models and anything else.
std::string primary_name(const json& d) {
  const char* key = nullptr;
  if (d.contains("TrainingJobName"))
    key = "TrainingJobName";
  else if (d.contains("HyperParameterTuningJobName"))
    key = "HyperParameterTuningJobName";
  else if (d.contains("ProcessingJobName"))
    key = "ProcessingJobName";
  else if (d.contains("TransformJobName"))
    key = "TransformJobName";
  else if (d.contains("EndpointName"))
    key = "EndpointName";
  const json* v = key ? member_of(d, {key}) : nullptr;
  return v && v->is_string() ? v->get<std::string>() : std::string();
}

// "NAME.tags.json" / "NAME.json" -> NAME.
std::string resource_name_of(const std::string& file) {
  std::string stem = fs::path(file).filename().string();
  for (const char* ext : {".json", ".jsonl", ".ndjson"}) {
    const std::string e(ext);
    if (stem.size() > e.size() && stem.compare(stem.size() - e.size(), e.size(), e) == 0) {
      stem.resize(stem.size() - e.size());
      break;
    }
  }
  const std::string tags = ".tags";
  if (stem.size() > tags.size() &&
      stem.compare(stem.size() - tags.size(), tags.size(), tags) == 0) {
    stem.resize(stem.size() - tags.size());
  }
  return stem;
}

// Pairs endpoints with their configs and descriptions with recorded tags.
Result<Describes> assemble(Loaded in) {
  Describes out;
  std::vector<std::pair<std::string, json>> tags_by_name;  // (file, tags) for NAME files
  std::vector<std::pair<std::string, std::pair<std::string, json>>>
      tags_by_arn;  // file, (arn, tags)
  std::map<std::string, const json*> configs;
  for (std::size_t i = 0; i < in.items.size(); ++i) {
    json& d = in.items[i];
    const std::string& file = in.files[i];
    if (!names_a_resource(d)) {
      const json* arn = member_of(d, {"arn", "ResourceArn"});
      const json* tags = member_of(d, {"tags", "Tags"});
      if (tags && arn && arn->is_string()) {
        SG_ASSIGN_OR_RETURN(json list, tag_list(*tags, file));
        tags_by_arn.push_back({file, {arn->get<std::string>(), std::move(list)}});
        continue;
      }
      if (tags && !arn) {  // a ListTags response, named after its resource
        SG_ASSIGN_OR_RETURN(json list, tag_list(*tags, file));
        tags_by_name.push_back({file, std::move(list)});
        continue;
      }
    }
    out.items.push_back(std::move(d));
    out.files.push_back(file);
  }
  for (const auto& d : out.items) {
    if (d.contains("EndpointConfigName") && d.contains("ProductionVariants") &&
        !d.contains("EndpointName")) {
      const json& n = d["EndpointConfigName"];
      if (n.is_string()) configs.emplace(n.get<std::string>(), &d);
    }
  }
  // Endpoints as describe-endpoint prints them have no instance types: those
  // are in the endpoint config they name.
  std::vector<std::pair<std::size_t, json>> attach;
  for (std::size_t i = 0; i < out.items.size(); ++i) {
    const json& d = out.items[i];
    if (!d.contains("EndpointName") || d.contains("EndpointConfig")) continue;
    const json* n = member_of(d, {"EndpointConfigName"});
    if (!n || !n->is_string()) continue;
    auto it = configs.find(n->get<std::string>());
    if (it != configs.end()) attach.emplace_back(i, *it->second);
  }
  for (auto& [i, cfg] : attach) out.items[i]["EndpointConfig"] = std::move(cfg);

  for (const auto& [file, list] : tags_by_name) {
    const std::string name = resource_name_of(file);
    std::vector<std::size_t> hits;
    for (std::size_t i = 0; i < out.items.size(); ++i) {
      if (primary_name(out.items[i]) == name) hits.push_back(i);
    }
    if (hits.empty()) {
      return Error::at(ErrorCode::input, file, 0, 0,
                       "tags for '" + name +
                           "' (named after the file), but no recorded description has that name");
    }
    if (hits.size() > 1) {
      return Error::at(
          ErrorCode::input, file, 0, 0,
          "tags for '" + name + "' match " + std::to_string(hits.size()) +
              " recorded resources of that name; record them as JSON lines of {\"arn\", \"tags\"}");
    }
    out.items[hits[0]]["Tags"] = list;
  }
  for (const auto& [file, at] : tags_by_arn) {
    bool hit = false;
    for (auto& d : out.items) {
      for (const char* k : kArnKeys) {
        const json* v = member_of(d, {k});
        if (v && v->is_string() && *v == at.first) {
          d["Tags"] = at.second;
          hit = true;
          break;
        }
      }
    }
    if (!hit) {
      return Error::at(ErrorCode::input, file, 0, 0,
                       "tags for " + at.first + ", but no recorded description has that ARN");
    }
  }
  return out;
}

}  // namespace

Result<Describes> load_describe_files(const std::vector<std::string>& paths) {
  Loaded all;
  for (const auto& p : paths) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      SG_ASSIGN_OR_RETURN(auto files,
                          list_files_sorted(p, [](const fs::path& f) { return wanted(f); }));
      for (const auto& f : files) SG_TRY(read_file(f, all));
    } else {
      SG_TRY(read_file(p, all));
    }
  }
  return assemble(std::move(all));
}

Result<std::vector<json>> load_describes(const std::vector<std::string>& paths) {
  SG_ASSIGN_OR_RETURN(Describes d, load_describe_files(paths));
  return std::move(d.items);
}

}  // namespace sageguard::cost
