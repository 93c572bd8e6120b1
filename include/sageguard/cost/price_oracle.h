// Hourly on-demand prices of SageMaker instances, as an interface so the rule
// engine (budget.max-cost) can ask for prices without depending on the cost
// module. Implementations must be safe to call from several threads at once
// once built (PriceTable is immutable after loading).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace sageguard::cost {

// What an instance is billed for; SageMaker prices the same type differently
// per component.
enum class Component { training, hosting, processing, batch_transform };

// "training", "hosting", "processing", "batch-transform".
inline const char* to_string(Component c) {
  switch (c) {
    case Component::training: return "training";
    case Component::hosting: return "hosting";
    case Component::processing: return "processing";
    case Component::batch_transform: return "batch-transform";
  }
  return "training";
}

class PriceOracle {
 public:
  virtual ~PriceOracle() = default;
  // USD per instance-hour, or nullopt when the price is not known. Never
  // returns 0 for "unknown": a missing price must be reported by the caller.
  virtual std::optional<double> hourly(std::string_view region, Component c,
                                       std::string_view instance_type) const = 0;
};

}  // namespace sageguard::cost
