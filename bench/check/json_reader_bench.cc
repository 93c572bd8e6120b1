// Micro-benchmark of the document layer on a generated CreateTrainingJob
// bundle: the JSON reader alone, and parse_document (UTF-8 check + reader +
// line index). Reports bytes/s so it compares with BENCHMARKS.md's MB/s.
#include <benchmark/benchmark.h>

#include <string>

#include "sageguard/document.h"

namespace {

// One request, varied by index so strings are not all identical.
std::string request(int i) {
  const std::string n = std::to_string(i);
  return R"({"TrainingJobName": "search-ctr-)" + n +
         R"(", "HyperParameters": {"epochs": "10", "learning_rate": "3e-4"},
 "AlgorithmSpecification": {"TrainingImage": "763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:2.1.0-gpu-py310", "TrainingInputMode": "File"},
 "RoleArn": "arn:aws:iam::111122223333:role/service-role/SageMaker-search-ExecutionRole",
 "InputDataConfig": [{"ChannelName": "train", "DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": "s3://ml-data-search/ctr/train/v)" +
         n + R"(/"}}}],
 "OutputDataConfig": {"S3OutputPath": "s3://ml-artifacts-search/ctr/output/", "KmsKeyId": "alias/ml-search"},
 "ResourceConfig": {"InstanceType": "ml.m5.xlarge", "InstanceCount": 1, "VolumeSizeInGB": 50, "VolumeKmsKeyId": "alias/ml-search"},
 "StoppingCondition": {"MaxRuntimeInSeconds": 86400, "MaxWaitTimeInSeconds": 172800},
 "VpcConfig": {"SecurityGroupIds": ["sg-0123abcd"], "Subnets": ["subnet-0a1b2c3d"]},
 "EnableNetworkIsolation": true, "EnableInterContainerTrafficEncryption": true, "EnableManagedSpotTraining": true,
 "CheckpointConfig": {"S3Uri": "s3://ml-checkpoints/search-ctr/"},
 "Tags": [{"Key": "Project", "Value": "ctr"}, {"Key": "Sponsor", "Value": "ada"}, {"Key": "Project Lead", "Value": "grace"},
          {"Key": "Project Name", "Value": "search ctr"}, {"Key": "Cost Center", "Value": "CC-100"}, {"Key": "Contact", "Value": "search@ourcoolcompany.ai"}]})";
}

const std::string& bundle() {
  static const std::string text = [] {
    std::string t = "[\n";
    for (int i = 0; i < 2000; ++i) {
      if (i) t += ",\n";
      t += request(i);
    }
    return t + "\n]\n";
  }();
  return text;
}

void BM_ParseJson(benchmark::State& state) {
  const std::string& text = bundle();
  const std::string path = "bundle.json";
  for (auto _ : state) {
    auto v = sageguard::parse_json(path, text, 512);
    if (!v.ok()) state.SkipWithError(v.error().describe().c_str());
    benchmark::DoNotOptimize(v);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(text.size()));
}
BENCHMARK(BM_ParseJson)->Unit(benchmark::kMillisecond);

void BM_ParseDocument(benchmark::State& state) {
  const std::string& text = bundle();
  for (auto _ : state) {
    auto d = sageguard::parse_document("bundle.json", text);
    if (!d.ok()) state.SkipWithError(d.error().describe().c_str());
    benchmark::DoNotOptimize(d);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(text.size()));
}
BENCHMARK(BM_ParseDocument)->Unit(benchmark::kMillisecond);

}  // namespace
