#include "cli/check_estimator.h"

#include <memory>

#include "sageguard/aws/shared_config.h"
#include "sageguard/cost/price_table.h"
#include "sageguard/launch/cost_estimator.h"

namespace sageguard::cli {

Result<CostEstimator> check_estimator(const Policy& policy,
                                      const std::optional<std::string>& price_list) {
  if (!policy.max_job_cost_usd && !price_list) return CostEstimator{};
  // budget.max-cost needs prices; the region only picks them (no AWS call).
  auto table = price_list ? cost::PriceTable::load_file(*price_list) : cost::PriceTable::builtin();
  if (!table.ok()) return std::move(table).error();
  auto region = aws::resolve_region(aws::process_env(), "", "");
  return launch::make_cost_estimator(
      std::make_shared<const cost::PriceTable>(std::move(table).value()),
      region.ok() ? *region : "us-east-1");
}

}  // namespace sageguard::cli
