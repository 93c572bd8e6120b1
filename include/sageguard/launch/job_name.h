// Names for what launch, deploy and the Estimator create: unique job names
// from a base (as the SageMaker Python SDK's base_job_name does) and names
// derived from a training job (`<job>-model`). Pure functions; thread-safe.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

namespace sageguard::launch {

// SageMaker's limit for training job, model, endpoint config and endpoint names.
inline constexpr std::size_t kMaxNameLength = 63;

// "yyyy-mm-dd-HH-MM-SS-mmm" in UTC (the SDK's sagemaker_timestamp()).
std::string sdk_timestamp(std::chrono::system_clock::time_point t);

// "<base>-<timestamp>", the base cut so the whole is at most 63 characters
// (sagemaker.utils.name_from_base).
std::string name_from_base(std::string_view base, std::chrono::system_clock::time_point t);

// The SDK's base_name_from_image: the repository name of an image URI
// ("123.dkr.ecr.../pytorch-training:2.3" -> "pytorch-training").
std::string base_name_from_image(std::string_view image_uri);

// "<name><suffix>" (suffix like "-model"), `name` cut (and trailing '-'
// dropped) so the result is at most 63 characters.
std::string derived_name(std::string_view name, std::string_view suffix);

}  // namespace sageguard::launch
