// The Estimator builds the request the way the SageMaker Python SDK does
// (sagemaker.estimator.Estimator + Session.train) and hands it to the same
// launch/deploy functions the CLI uses.
#include "launch/estimator.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "sageguard/cost/budget_estimator.h"
#include "launch/deploy.h"
#include "sageguard/launch/job_name.h"
#include "launch/launch.h"

namespace sageguard {

namespace {

Error refusal(const std::string& what, const CheckResult& check) {
  auto reasons = launch::refusal_reasons(check);
  return Error::make(ErrorCode::input,
                     fmt::format("{} refused by policy ({} error finding(s); nothing was sent): {}",
                                 what, reasons.size(), fmt::join(reasons, "; ")));
}

}  // namespace

Estimator::Estimator(EstimatorOptions options) : o_(std::move(options)) {}

Result<nlohmann::json> Estimator::training_request(const std::map<std::string, std::string>& inputs,
                                                   const std::string& job_name) const {
  for (const auto& [field, value] : {std::pair<const char*, const std::string*>{"image_uri", &o_.image_uri},
                                     {"role", &o_.role},
                                     {"instance_type", &o_.instance_type},
                                     {"output_path", &o_.output_path}}) {
    if (value->empty()) {
      return Error::make(ErrorCode::usage, fmt::format("Estimator: {} is required", field));
    }
  }
  nlohmann::json r;
  r["TrainingJobName"] = job_name;
  r["AlgorithmSpecification"] = {{"TrainingImage", o_.image_uri},
                                 {"TrainingInputMode", o_.input_mode}};
  r["RoleArn"] = o_.role;
  if (!inputs.empty()) {
    nlohmann::json channels = nlohmann::json::array();
    for (const auto& [channel, uri] : inputs) {
      channels.push_back({{"ChannelName", channel},
                          {"DataSource",
                           {{"S3DataSource",
                             {{"S3DataType", "S3Prefix"},
                              {"S3Uri", uri},
                              {"S3DataDistributionType", "FullyReplicated"}}}}}});
    }
    r["InputDataConfig"] = std::move(channels);
  }
  r["OutputDataConfig"] = {{"S3OutputPath", o_.output_path}};
  if (!o_.output_kms_key.empty()) r["OutputDataConfig"]["KmsKeyId"] = o_.output_kms_key;
  r["ResourceConfig"] = {{"InstanceCount", o_.instance_count},
                         {"InstanceType", o_.instance_type},
                         {"VolumeSizeInGB", o_.volume_size}};
  if (!o_.volume_kms_key.empty()) r["ResourceConfig"]["VolumeKmsKeyId"] = o_.volume_kms_key;
  r["StoppingCondition"] = {{"MaxRuntimeInSeconds", o_.max_run}};
  if (o_.max_wait) r["StoppingCondition"]["MaxWaitTimeInSeconds"] = *o_.max_wait;
  if (!o_.hyperparameters.empty()) r["HyperParameters"] = o_.hyperparameters;
  // The SDK drops a half-specified VPC rather than sending an invalid one.
  if (!o_.subnets.empty() && !o_.security_group_ids.empty()) {
    r["VpcConfig"] = {{"Subnets", o_.subnets}, {"SecurityGroupIds", o_.security_group_ids}};
  }
  // Flags are sent only when true, as Session.train does.
  if (o_.enable_network_isolation) r["EnableNetworkIsolation"] = true;
  if (o_.encrypt_inter_container_traffic) r["EnableInterContainerTrafficEncryption"] = true;
  if (o_.use_spot_instances) r["EnableManagedSpotTraining"] = true;
  if (!o_.checkpoint_s3_uri.empty()) r["CheckpointConfig"] = {{"S3Uri", o_.checkpoint_s3_uri}};
  if (!o_.tags.empty()) r["Tags"] = launch::tags_to_json(o_.tags);
  return r;
}

Result<const Policy*> Estimator::policy() {
  if (o_.policy) return o_.policy.get();
  if (!loaded_policy_) {
    SG_ASSIGN_OR_RETURN(Policy p, resolve_policy(o_.policy_path));
    loaded_policy_ = std::move(p);
  }
  return &*loaded_policy_;
}

Result<aws::JsonClient*> Estimator::client() {
  if (!o_.client) {
    SG_ASSIGN_OR_RETURN(std::unique_ptr<aws::JsonClient> c, aws::make_sagemaker_client(o_.aws));
    o_.client = std::move(c);
  }
  return o_.client.get();
}

Result<TrainingJobInfo> Estimator::fit(const std::map<std::string, std::string>& inputs,
                                       Wait wait) {
  const std::string base =
      o_.base_job_name.empty() ? launch::base_name_from_image(o_.image_uri) : o_.base_job_name;
  const std::string name = launch::name_from_base(base, std::chrono::system_clock::now());
  SG_ASSIGN_OR_RETURN(nlohmann::json request, training_request(inputs, name));
  SG_ASSIGN_OR_RETURN(const Policy* pol, policy());
  SG_ASSIGN_OR_RETURN(aws::JsonClient * c, client());

  launch::LaunchRequest lr;
  lr.spec_path = "<estimator>/CreateTrainingJob.json";
  lr.spec_text = request.dump(2) + "\n";
  lr.fix = o_.apply_fix ? launch::FixMode::apply : launch::FixMode::skip;
  lr.region = c->config().region;
  lr.prices = o_.prices;
  SG_ASSIGN_OR_RETURN(launch::LaunchPlan plan, launch::plan_launch(lr, *pol));
  last_check_ = plan.gate.check;
  if (plan.refused) return refusal("training job " + name, last_check_);
  SG_ASSIGN_OR_RETURN(launch::LaunchOutcome out, launch::submit_launch(std::move(plan), *c));

  TrainingJobInfo info;
  info.name = out.plan.job_name;
  info.arn = out.job_arn;
  info.request = out.plan.request;
  info.changes = out.plan.gate.changes;
  info.check = out.plan.gate.check;
  latest_job_ = info.name;
  if (wait == Wait::yes) {
    SG_ASSIGN_OR_RETURN(launch::WatchResult w,
                        launch::watch_training_job(*c, info.name, launch::WatchOptions{}));
    std::shared_ptr<const cost::PriceOracle> prices = o_.prices;
    if (!prices) {
      SG_ASSIGN_OR_RETURN(prices, cost::builtin_prices());
    }
    info.summary = launch::summarize_training_job(w.last, *prices, c->config().region);
    if (w.end != launch::WatchEnd::completed) {
      return Error::make(ErrorCode::aws,
                         fmt::format("training job {} ended {}{}", info.name, info.summary->status,
                                     info.summary->failure_reason.empty()
                                         ? ""
                                         : ": " + info.summary->failure_reason));
    }
  }
  return info;
}

Result<EndpointInfo> Estimator::deploy(int initial_instance_count, const std::string& instance_type,
                                       const std::string& endpoint_name, Wait wait) {
  if (latest_job_.empty()) {
    return Error::make(ErrorCode::usage, "Estimator::deploy: call fit() first");
  }
  SG_ASSIGN_OR_RETURN(const Policy* pol, policy());
  SG_ASSIGN_OR_RETURN(aws::JsonClient * c, client());
  launch::DeployRequest dr;
  dr.training_job = latest_job_;
  dr.endpoint_name = endpoint_name;
  dr.instance_count = initial_instance_count;
  dr.instance_type = instance_type;
  dr.fix = o_.apply_fix ? launch::FixMode::apply : launch::FixMode::skip;
  SG_ASSIGN_OR_RETURN(launch::DeployPlan plan, launch::describe_and_plan(dr, *pol, *c));
  last_check_ = plan.combined();
  if (plan.refused) return refusal("deployment of " + latest_job_, last_check_);
  SG_ASSIGN_OR_RETURN(launch::DeployOutcome out, launch::submit_deployment(std::move(plan), *c));
  EndpointInfo info;
  info.endpoint_name = out.plan.endpoint.name;
  info.endpoint_arn = out.endpoint_arn;
  info.model_name = out.plan.model.name;
  info.endpoint_config_name = out.plan.endpoint_config.name;
  info.check = last_check_;
  if (wait == Wait::yes) {
    SG_ASSIGN_OR_RETURN(launch::WatchResult w,
                        launch::wait_for_endpoint(*c, info.endpoint_name, launch::WatchOptions{}));
    if (w.end != launch::WatchEnd::completed) {
      return Error::make(ErrorCode::aws, fmt::format("endpoint {} failed to come into service",
                                                     info.endpoint_name));
    }
  }
  return info;
}

}  // namespace sageguard
