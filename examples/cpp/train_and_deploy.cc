// Train and deploy with sageguard::Estimator, written the way the SageMaker
// Python SDK snippet reads:
//
//   est = Estimator(image_uri=..., role=..., instance_type="ml.m5.xlarge",
//                   use_spot_instances=True, max_run=3600, max_wait=7200, tags=my_tags)
//   est.fit({"train": "s3://..."})
//   est.deploy(initial_instance_count=1, instance_type="ml.m5.large")
//
// The difference: fit() and deploy() pass the team's policy first
// (sageguard.yaml or $SAGEGUARD_POLICY). What the policy can supply (VPC,
// KMS keys, checkpoints, default tags) is filled in; a job that still breaks
// it is refused before anything is sent to SageMaker.
//
// Usage: sageguard_estimator_example [--dry-run]
//   AWS credentials and region come from the usual environment / profile.
#include <cstring>
#include <iostream>

#include "launch/estimator.h"

namespace {

void print_findings(const sageguard::CheckResult& r) {
  for (const auto& f : r.findings) {
    std::cerr << f.file << ":" << f.line << ":" << f.column << ": "
              << sageguard::to_string(f.severity) << ": " << f.message << " [" << f.rule << "]\n";
  }
}

}  // namespace

int main(int argc, char** argv) {
  const bool dry_run = argc > 1 && std::strcmp(argv[1], "--dry-run") == 0;
  const std::vector<std::pair<std::string, std::string>> my_tags = {
      {"Project", "fraud"},
      {"Sponsor", "Maria Okafor"},
      {"Project Lead", "Jin Park"},
      {"Project Name", "Card fraud detector"},
      {"Cost Center", "CC-100"},
  };

  sageguard::Estimator est{{
      .image_uri = "763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:2.3.0-gpu-py311",
      .role = "arn:aws:iam::111122223333:role/SageMakerTraining",
      .instance_type = "ml.m5.xlarge",
      .base_job_name = "fraud-detector",
      .hyperparameters = {{"epochs", "20"}, {"lr", "0.0003"}},
      .use_spot_instances = true,
      .max_run = 3600,
      .max_wait = 7200,
      .tags = my_tags,
      .output_path = "s3://acme-ml-artifacts/fraud/",
  }};

  const std::map<std::string, std::string> inputs = {{"train", "s3://acme-ml-data/fraud/train/"}};

  if (dry_run) {
    // The request exactly as the SDK would build it, before the policy gate.
    auto request = est.training_request(inputs, "fraud-detector-example");
    if (!request.ok()) {
      std::cerr << "error: " << request.error().message << "\n";
      return 2;
    }
    std::cout << request->dump(2) << "\n";
    return 0;
  }

  auto job = est.fit(inputs, sageguard::Wait::yes);
  if (!job.ok()) {
    print_findings(est.last_check());
    std::cerr << "error: " << job.error().message << "\n";
    return 1;
  }
  std::cout << "trained " << job->name << "\n";
  if (job->summary && job->summary->cost_usd) {
    std::cout << "cost " << *job->summary->cost_usd << " USD\n";
  }

  auto endpoint = est.deploy(1, "ml.m5.large", "fraud-detector");
  if (!endpoint.ok()) {
    print_findings(est.last_check());
    std::cerr << "error: " << endpoint.error().message << "\n";
    return 1;
  }
  std::cout << "endpoint " << endpoint->endpoint_name << " (" << endpoint->endpoint_arn << ")\n";
  return 0;
}
