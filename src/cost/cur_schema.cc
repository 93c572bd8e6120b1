// Header analysis for the three billing formats.
#include "cur_schema.h"

#include <cctype>
#include <unordered_map>

namespace sageguard::cost {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// CUR 2.0 writes tag keys lower-case with spaces and other separators as '_'.
std::string cur2_norm(std::string_view s) {
  std::string out = lower(s);
  for (char& c : out) {
    if (c == ' ') c = '_';
  }
  return out;
}

struct Names {
  const char* product;
  const char* unblended;
  const char* effective;
  const char* sp_effective;
  const char* ri_effective;
  const char* line_type;
  const char* public_od;
  const char* usage_type;
  const char* usage_type_alt;
  const char* resource;
  const char* start;
  const char* tags;
  const char* pricing_category;
  const char* currency;
  const char* sp_total_commitment;
  const char* sp_used_commitment;
  const char* sp_offering_type;
  const char* ri_unused_upfront;
  const char* ri_unused_recurring;
  const char* ri_arn;
};

constexpr Names kLegacy{"lineItem/ProductCode", "lineItem/UnblendedCost", nullptr,
                        "savingsPlan/SavingsPlanEffectiveCost", "reservation/EffectiveCost",
                        "lineItem/LineItemType", "pricing/publicOnDemandCost", "lineItem/UsageType", nullptr,
                        "lineItem/ResourceId", "lineItem/UsageStartDate", nullptr, nullptr,
                        "lineItem/CurrencyCode", "savingsPlan/TotalCommitmentToDate",
                        "savingsPlan/UsedCommitment", "savingsPlan/OfferingType",
                        "reservation/UnusedAmortizedUpfrontFeeForBillingPeriod", "reservation/UnusedRecurringFee",
                        "reservation/ReservationARN"};
constexpr Names kCur2{"line_item_product_code", "line_item_unblended_cost", nullptr,
                      "savings_plan_savings_plan_effective_cost", "reservation_effective_cost",
                      "line_item_line_item_type", "pricing_public_on_demand_cost", "line_item_usage_type", nullptr,
                      "line_item_resource_id", "line_item_usage_start_date", "resource_tags", nullptr,
                      "line_item_currency_code", "savings_plan_total_commitment_to_date",
                      "savings_plan_used_commitment", "savings_plan_offering_type",
                      "reservation_unused_amortized_upfront_fee_for_billing_period",
                      "reservation_unused_recurring_fee", "reservation_reservation_a_r_n"};
constexpr Names kFocus{"ServiceName", "BilledCost", "EffectiveCost", nullptr, nullptr,
                       nullptr, "ListCost", "x_UsageType", "UsageType",
                       "ResourceId", "ChargePeriodStart", "Tags", "PricingCategory",
                       "BillingCurrency", nullptr, nullptr, nullptr, nullptr, nullptr, nullptr};

}  // namespace

int json_tag_match(CurFormat format, std::string_view stored, std::string_view user_key) {
  if (format == CurFormat::cur2) {
    std::string s = cur2_norm(stored), u = cur2_norm(user_key);
    if (s == "user_" + u || s == u) return stored == ("user_" + u) || stored == user_key ? 2 : 1;
    return 0;
  }
  // FOCUS (and anything else keeping tag keys verbatim).
  if (stored == user_key) return 2;
  if (stored.size() == user_key.size() + 5 && stored.substr(0, 5) == "user:" && stored.substr(5) == user_key) return 2;
  std::string s = lower(stored), u = lower(user_key);
  if (s == u || s == "user:" + u) return 1;
  return 0;
}

std::string athena_column_name(std::string_view csv_name) {
  std::string out;
  for (char c : csv_name) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x80 && std::isupper(u)) {
      out.push_back('_');
      out.push_back(static_cast<char>(std::tolower(u)));
    } else if (u < 0x80 && std::isalnum(u)) {
      out.push_back(c);
    } else if (out.empty() || out.back() != '_') {
      out.push_back('_');
    }
  }
  std::string collapsed;
  for (char c : out) {
    if (c == '_' && (collapsed.empty() || collapsed.back() == '_')) continue;
    collapsed.push_back(c);
  }
  while (!collapsed.empty() && collapsed.back() == '_') collapsed.pop_back();
  return collapsed;
}

Result<CurSchema> make_schema(const std::vector<std::string_view>& header, const CurOptions& options,
                              const std::string& file, bool athena_names) {
  std::unordered_map<std::string_view, int> index;
  for (std::size_t i = 0; i < header.size(); ++i) index.emplace(header[i], static_cast<int>(i));
  const bool athena = athena_names && index.count("line_item_unblended_cost") && !index.count("resource_tags");
  auto col = [&](const char* name) -> int {
    if (!name) return -1;
    auto it = athena ? index.find(athena_column_name(name)) : index.find(name);
    return it == index.end() ? -1 : it->second;
  };

  CurSchema s;
  s.columns = header.size();
  const Names* n = nullptr;
  if (index.count("lineItem/UnblendedCost") || athena) {
    s.format = CurFormat::legacy;
    n = &kLegacy;
  } else if (index.count("line_item_unblended_cost")) {
    s.format = CurFormat::cur2;
    n = &kCur2;
  } else if (index.count("BilledCost")) {
    s.format = CurFormat::focus;
    n = &kFocus;
  } else {
    return Error::at(ErrorCode::input, file, 1, 0,
                     "not a CUR, CUR 2.0 or FOCUS CSV file: no lineItem/UnblendedCost, "
                     "line_item_unblended_cost or BilledCost column");
  }
  s.product = col(n->product);
  s.service_code = s.format == CurFormat::focus ? col("x_ServiceCode") : -1;
  s.unblended = col(n->unblended);
  s.effective = col(n->effective);
  s.sp_effective = col(n->sp_effective);
  s.ri_effective = col(n->ri_effective);
  s.line_type = col(n->line_type);
  s.public_od = col(n->public_od);
  s.usage_type = col(n->usage_type);
  if (s.usage_type < 0) s.usage_type = col(n->usage_type_alt);
  s.resource = col(n->resource);
  s.start = col(n->start);
  s.tags = col(n->tags);
  s.pricing_category = col(n->pricing_category);
  s.currency = col(n->currency);
  s.sp_total_commitment = col(n->sp_total_commitment);
  s.sp_used_commitment = col(n->sp_used_commitment);
  s.sp_offering_type = col(n->sp_offering_type);
  s.ri_unused_upfront = col(n->ri_unused_upfront);
  s.ri_unused_recurring = col(n->ri_unused_recurring);
  s.ri_arn = col(n->ri_arn);
  if (s.format == CurFormat::focus) {
    s.charge_category = col("ChargeCategory");
    s.commitment_status = col("CommitmentDiscountStatus");
    s.commitment_type = col("CommitmentDiscountType");
  }

  auto missing = [&](const std::string& what) {
    return Error::at(ErrorCode::input, file, 1, 0, "missing column " + what);
  };
  switch (options.measure) {
    case Measure::unblended: s.measure = s.unblended; break;
    case Measure::net:
    case Measure::amortized:
    case Measure::effective: s.measure = s.format == CurFormat::focus ? s.effective : s.unblended; break;
    case Measure::public_on_demand: s.measure = s.public_od; break;
  }
  if (s.measure < 0) {
    return missing(std::string("for measure ") + to_string(options.measure) + " (" +
                   (options.measure == Measure::public_on_demand ? n->public_od
                                                                 : s.format == CurFormat::focus ? n->effective : n->unblended) +
                   ")");
  }
  if (!options.all_services && s.product < 0 && s.service_code < 0) return missing(n->product);
  if ((options.since || options.until) && s.start < 0) return missing(n->start);

  for (const auto& key : options.group_by) {
    KeySource k;
    if (key == "month") {
      k.kind = KeySource::Kind::month;
      if (s.start < 0) return missing(std::string(n->start) + " (for group 'month')");
    } else if (key == "instance-type") {
      k.kind = KeySource::Kind::instance_type;
      if (s.usage_type < 0) s.warnings.push_back(file + ": no usage type column; instance-type is unknown");
    } else if (key == "resource") {
      k.kind = KeySource::Kind::resource;
      if (s.resource < 0) s.warnings.push_back(file + ": no resource id column; resource is unknown");
    } else if (key == "account") {
      // The account that used the resource (not the payer's).
      const char* name = s.format == CurFormat::legacy ? "lineItem/UsageAccountId"
                         : s.format == CurFormat::cur2 ? "line_item_usage_account_id"
                                                       : "SubAccountId";
      k.column = col(name);
      if (k.column >= 0) {
        k.kind = KeySource::Kind::column;
      } else {
        s.warnings.push_back(file + ": no " + name + " column; account is unknown");
      }
    } else if (s.format == CurFormat::legacy) {
      int exact = col(("resourceTags/user:" + key).c_str());
      if (exact < 0) exact = col(("resourceTags/" + key).c_str());
      if (exact < 0) {
        std::string want1 = lower("resourceTags/user:" + key), want2 = lower("resourceTags/" + key);
        for (std::size_t i = 0; i < header.size(); ++i) {
          std::string h = lower(header[i]);
          if (h == want1 || h == want2) {
            exact = static_cast<int>(i);
            break;
          }
        }
      }
      if (exact >= 0) {
        k.kind = KeySource::Kind::column;
        k.column = exact;
      } else {
        s.warnings.push_back(file + ": no column resourceTags/user:" + key +
                             " (tag not activated for cost allocation?); its spend is untagged");
      }
    } else {
      if (s.tags >= 0) {
        k.kind = KeySource::Kind::json_tag;
        k.user_key = key;
        s.needs_json = true;
      } else {
        s.warnings.push_back(file + ": no " + n->tags + " column; '" + key + "' is untagged");
      }
    }
    s.keys.push_back(std::move(k));
  }
  return s;
}

}  // namespace sageguard::cost
