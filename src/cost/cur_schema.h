// Where each field the aggregation needs lives in one billing file, decided
// once from its header: the format (legacy CUR, CUR 2.0, FOCUS), the column
// index of every role, and how each group-by key is found. Immutable; private
// to the cost module.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "sageguard/cost/cost_report.h"
#include "sageguard/cost/cur_reader.h"
#include "sageguard/result.h"

namespace sageguard::cost {

// How one group-by key gets its value in this file.
struct KeySource {
  enum class Kind { month, instance_type, resource, column, json_tag, absent };
  Kind kind = Kind::absent;
  int column = -1;        // Kind::column
  std::string user_key;   // Kind::json_tag: the key as the user wrote it
};

struct CurSchema {
  CurFormat format = CurFormat::legacy;
  std::size_t columns = 0;
  int product = -1;           // ProductCode / FOCUS ServiceName
  int service_code = -1;      // FOCUS x_ServiceCode, if present
  int unblended = -1;         // also FOCUS BilledCost
  int effective = -1;         // FOCUS EffectiveCost
  int sp_effective = -1;
  int ri_effective = -1;
  int line_type = -1;
  int public_od = -1;         // also FOCUS ListCost
  int usage_type = -1;
  int resource = -1;
  int start = -1;
  int tags = -1;              // CUR 2.0 resource_tags / FOCUS Tags (JSON text)
  int pricing_category = -1;  // FOCUS
  int currency = -1;
  // Savings Plans and reservations, for the amortized/effective measures
  // and Savings Plans coverage.
  int sp_total_commitment = -1;
  int sp_used_commitment = -1;
  int sp_offering_type = -1;
  int ri_unused_upfront = -1;
  int ri_unused_recurring = -1;
  int ri_arn = -1;
  int charge_category = -1;    // FOCUS
  int commitment_status = -1;  // FOCUS CommitmentDiscountStatus
  int commitment_type = -1;    // FOCUS CommitmentDiscountType
  int measure = -1;           // the column summed for the chosen measure
  std::vector<KeySource> keys;  // parallel to CurOptions::group_by
  bool needs_json = false;
  std::vector<std::string> warnings;
};

// Builds the schema from a header row. Error(input) at FILE:1 when the format
// is unknown or a column the options need is absent.
// `athena_names`: a header without CUR 2.0's resource_tags map whose columns
// are named the way the legacy CUR's Athena integration names them
// (athena_column_name) is read as the legacy CUR.
Result<CurSchema> make_schema(const std::vector<std::string_view>& header, const CurOptions& options,
                              const std::string& file, bool athena_names = false);

// The column name the legacy CUR's Athena integration (and its Parquet
// files) uses for a CSV column: an '_' before each upper-case letter, then
// lower case, every character other than a-z and 0-9 as '_', runs of '_' as
// one, none at either end ("resourceTags/user:Cost Center" ->
// "resource_tags_user_cost_center", "reservation/ReservationARN" ->
// "reservation_reservation_a_r_n").
std::string athena_column_name(std::string_view csv_name);

// Tag-key matching between what users write and what a format stores;
// returns 2 for an exact match, 1 for a loose one, 0 for none.
int json_tag_match(CurFormat format, std::string_view stored, std::string_view user_key);

}  // namespace sageguard::cost
