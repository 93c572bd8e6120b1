#include "rules/code_fetch.h"

#include <fmt/format.h>

#include "sageguard/api_model.h"

namespace sageguard::rules {
namespace {

// The SDK sends hyperparameters JSON-encoded ("\"s3://b/k\""); requests
// written by hand carry the plain string. An expression is taken to name
// S3 too: the SDK only ever writes an S3 URI or a local path there, and
// guessing wrong here would break the job.
std::optional<std::string> remote_code(const Value* v) {
  if (v == nullptr || v->is_null()) return std::nullopt;
  if (is_unresolved_expression(*v)) return std::string("a pipeline expression");
  if (!v->is_string()) return std::nullopt;
  std::string_view s = v->as_string();
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = s.substr(1, s.size() - 2);
  if (!s.starts_with("s3://") && !s.starts_with("https://")) return std::nullopt;
  return std::string(s);
}

const Value* member_at(const Value& obj, std::string_view a, std::string_view b) {
  const Value* x = obj.find(a);
  return x != nullptr && x->is_object() ? x->find(b) : nullptr;
}

}  // namespace

std::optional<std::string> isolation_blocks_code(const Resource& r, const Scope& s) {
  switch (r.kind) {
    case ResourceKind::training_job:
    case ResourceKind::tuning_job: {
      const char* params =
          r.kind == ResourceKind::training_job ? "HyperParameters" : "StaticHyperParameters";
      const auto where = remote_code(member_at(*s.obj, params, "sagemaker_submit_directory"));
      if (!where) return std::nullopt;
      return fmt::format(
          "the training script is downloaded from {} at start-up ({}.sagemaker_submit_directory, "
          "SDK script mode), which network isolation blocks: set enable_network_isolation=True "
          "on the estimator instead, and the SDK passes the code in an input channel",
          *where, params);
    }
    case ResourceKind::model: {
      // Framework models serve code from SAGEMAKER_SUBMIT_DIRECTORY; the
      // SDK repacks it into the model artifact when isolation is asked for.
      auto container_code = [](const Value& c) {
        return c.is_object()
                   ? remote_code(member_at(c, "Environment", "SAGEMAKER_SUBMIT_DIRECTORY"))
                   : std::nullopt;
      };
      std::optional<std::string> where;
      if (const Value* c = s.obj->find("PrimaryContainer")) where = container_code(*c);
      if (const Value* cs = s.obj->find("Containers"); !where && cs && cs->is_array()) {
        for (const Value& c : cs->items()) {
          if ((where = container_code(c))) break;
        }
      }
      if (!where) return std::nullopt;
      return fmt::format(
          "the inference code is downloaded from {} when the container starts "
          "(Environment.SAGEMAKER_SUBMIT_DIRECTORY), which network isolation blocks: create the "
          "model with enable_network_isolation=True in the SDK instead, which packs the code "
          "into the model artifact",
          *where);
    }
    default: return std::nullopt;
  }
}

}  // namespace sageguard::rules
