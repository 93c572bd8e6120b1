// Deploy from a training job. Tags are merged here, by construction, so
// tags.propagation holds for what we create; every request still passes the
// same gate as a launch, and nothing is created unless all three pass.
#include "launch/deploy.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "sageguard/launch/job_name.h"

namespace sageguard::launch {

namespace {

const nlohmann::json* member(const nlohmann::json& obj, const char* key) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return nullptr;
  return &*it;
}

std::string string_at(const nlohmann::json& obj, std::initializer_list<const char*> path) {
  const nlohmann::json* cur = &obj;
  for (const char* key : path) {
    cur = member(*cur, key);
    if (cur == nullptr) return "";
  }
  return cur->is_string() ? cur->get<std::string>() : "";
}

std::string arn_of(const nlohmann::json& response, const char* key) {
  return string_at(response, {key});
}

}  // namespace

TagList tags_from_json(const nlohmann::json& tags) {
  const nlohmann::json* list = &tags;
  if (tags.is_object()) {
    list = member(tags, "Tags");
    if (list == nullptr) return {};
  }
  TagList out;
  if (!list->is_array()) return out;
  for (const auto& t : *list) {
    if (!t.is_object()) continue;
    const nlohmann::json* k = member(t, "Key");
    const nlohmann::json* v = member(t, "Value");
    if (k == nullptr || !k->is_string()) continue;
    out.emplace_back(k->get<std::string>(), v != nullptr && v->is_string() ? v->get<std::string>() : "");
  }
  return out;
}

nlohmann::json tags_to_json(const TagList& tags) {
  nlohmann::json a = nlohmann::json::array();
  for (const auto& [k, v] : tags) a.push_back({{"Key", k}, {"Value", v}});
  return a;
}

TagList merge_tags(const TagList& job_tags, const Policy& policy) {
  TagList out;
  auto has = [&out](const std::string& key) {
    return std::any_of(out.begin(), out.end(), [&](const auto& kv) { return kv.first == key; });
  };
  for (const auto& kv : job_tags) {
    if (kv.first.rfind("aws:", 0) == 0 || has(kv.first)) continue;
    out.push_back(kv);
  }
  for (const auto& kv : policy.tag_defaults) {
    if (!has(kv.first)) out.push_back(kv);
  }
  return out;
}

CheckResult DeployPlan::combined() const {
  CheckResult r;
  for (const GateResult* g : {&model, &endpoint_config, &endpoint}) {
    r.policy = g->check.policy;
    r.findings.insert(r.findings.end(), g->check.findings.begin(), g->check.findings.end());
    r.waived.insert(r.waived.end(), g->check.waived.begin(), g->check.waived.end());
    r.summary.files += g->check.summary.files;
    r.summary.resources += g->check.summary.resources;
    r.summary.error += g->check.summary.error;
    r.summary.warning += g->check.summary.warning;
    r.summary.note += g->check.summary.note;
  }
  return r;
}

Result<DeployPlan> plan_deployment(const nlohmann::json& job, const TagList& job_tags,
                                   const DeployRequest& req, const Policy& policy) {
  if (req.instance_count < 1) {
    return Error::make(ErrorCode::usage, "--instance-count must be at least 1");
  }
  const std::string job_name =
      req.training_job.empty() ? string_at(job, {"TrainingJobName"}) : req.training_job;
  const std::string artifacts = string_at(job, {"ModelArtifacts", "S3ModelArtifacts"});
  if (artifacts.empty()) {
    std::string status = string_at(job, {"TrainingJobStatus"});
    return Error::make(ErrorCode::input,
                       fmt::format("training job '{}' has no model artifacts (status {}): deploy "
                                   "needs a Completed job",
                                   job_name, status.empty() ? "unknown" : status));
  }
  const std::string image =
      req.image.empty() ? string_at(job, {"AlgorithmSpecification", "TrainingImage"}) : req.image;
  if (image.empty()) {
    return Error::make(ErrorCode::input,
                       fmt::format("training job '{}' has no TrainingImage (an algorithm "
                                   "resource?): pass --image",
                                   job_name));
  }
  const std::string role = string_at(job, {"RoleArn"});
  if (role.empty()) {
    return Error::make(ErrorCode::input, fmt::format("training job '{}' has no RoleArn", job_name));
  }

  DeployPlan plan;
  plan.training_job = job_name;
  plan.tags = merge_tags(job_tags, policy);
  const nlohmann::json tags = tags_to_json(plan.tags);
  const std::string model_name =
      req.model_name.empty() ? derived_name(job_name, "-model") : req.model_name;
  const std::string config_name =
      req.endpoint_config_name.empty() ? derived_name(job_name, "-config") : req.endpoint_config_name;
  const std::string endpoint_name = req.endpoint_name.empty() ? job_name : req.endpoint_name;

  nlohmann::json model = {
      {"ModelName", model_name},
      {"PrimaryContainer", {{"Image", image}, {"ModelDataUrl", artifacts}}},
      {"ExecutionRoleArn", role},
  };
  if (const auto* vpc = member(job, "VpcConfig")) model["VpcConfig"] = *vpc;
  if (const auto* iso = member(job, "EnableNetworkIsolation"); iso && iso->is_boolean()) {
    model["EnableNetworkIsolation"] = *iso;
  }
  model["Tags"] = tags;

  nlohmann::json config = {
      {"EndpointConfigName", config_name},
      {"ProductionVariants",
       {{{"VariantName", "AllTraffic"},
         {"ModelName", model_name},
         {"InitialInstanceCount", req.instance_count},
         {"InstanceType", req.instance_type},
         {"InitialVariantWeight", 1.0}}}},
  };
  // SageMaker rejects a volume key on local-NVMe instance types.
  if (policy.volume_key && !policy.is_nvme(req.instance_type)) {
    config["KmsKeyId"] = *policy.volume_key;
  }
  config["Tags"] = tags;

  nlohmann::json endpoint = {
      {"EndpointName", endpoint_name},
      {"EndpointConfigName", config_name},
      {"Tags", tags},
  };

  GateOptions go;
  go.fix = req.fix;
  go.today = req.today;
  SG_ASSIGN_OR_RETURN(plan.model, gate_request("<deploy>/CreateModel.json", model,
                                               ResourceKind::model, policy, go));
  SG_ASSIGN_OR_RETURN(plan.endpoint_config,
                      gate_request("<deploy>/CreateEndpointConfig.json", config,
                                   ResourceKind::endpoint_config, policy, go));
  SG_ASSIGN_OR_RETURN(plan.endpoint, gate_request("<deploy>/CreateEndpoint.json", endpoint,
                                                  ResourceKind::endpoint, policy, go));
  plan.refused = plan.model.refused || plan.endpoint_config.refused || plan.endpoint.refused;
  return plan;
}

Result<DeployPlan> describe_and_plan(const DeployRequest& req, const Policy& policy,
                                     aws::JsonClient& client) {
  if (req.training_job.empty()) {
    return Error::make(ErrorCode::usage, "a training job name is required");
  }
  SG_ASSIGN_OR_RETURN(nlohmann::json job,
                      client.call("DescribeTrainingJob", {{"TrainingJobName", req.training_job}}));
  TagList tags;
  const std::string arn = string_at(job, {"TrainingJobArn"});
  if (!arn.empty()) {
    SG_ASSIGN_OR_RETURN(nlohmann::json listed,
                        client.list_all("ListTags", {{"ResourceArn", arn}}, "Tags"));
    tags = tags_from_json(listed);
  }
  return plan_deployment(job, tags, req, policy);
}

Result<DeployOutcome> submit_deployment(DeployPlan plan, aws::JsonClient& client) {
  if (plan.refused) {
    return Error::make(ErrorCode::internal, "submit_deployment called with a refused plan");
  }
  DeployOutcome out;
  std::vector<std::string> created;
  struct Step {
    const char* create;
    const char* describe;
    const char* name_field;
    const char* arn_field;
    const GateResult* gate;
    std::string* arn;
  };
  const Step steps[] = {
      {"CreateModel", "DescribeModel", "ModelName", "ModelArn", &plan.model, &out.model_arn},
      {"CreateEndpointConfig", "DescribeEndpointConfig", "EndpointConfigName",
       "EndpointConfigArn", &plan.endpoint_config, &out.endpoint_config_arn},
      {"CreateEndpoint", "DescribeEndpoint", "EndpointName", "EndpointArn", &plan.endpoint,
       &out.endpoint_arn},
  };
  for (const Step& s : steps) {
    aws::IdempotentCreate c;
    c.create_operation = s.create;
    c.describe_operation = s.describe;
    c.name_field = s.name_field;
    c.request = s.gate->request;
    auto r = client.create_idempotent(c);
    if (!r.ok()) {
      Error e = r.error();
      if (!created.empty()) {
        e.message += fmt::format(" (already created: {}; delete them or deploy again with "
                                 "other names)",
                                 fmt::join(created, ", "));
      }
      return e;
    }
    *s.arn = arn_of(r->response, s.arn_field);
    created.push_back(fmt::format("{} {}", s.name_field, s.gate->name));
  }
  out.deployed = true;
  out.plan = std::move(plan);
  return out;
}

Result<DeployOutcome> deploy_training_job(const DeployRequest& req, const Policy& policy,
                                          aws::JsonClient& client) {
  SG_ASSIGN_OR_RETURN(DeployPlan plan, describe_and_plan(req, policy, client));
  if (plan.refused) {
    DeployOutcome out;
    out.plan = std::move(plan);
    return out;
  }
  return submit_deployment(std::move(plan), client);
}

}  // namespace sageguard::launch
