// A table of hourly SageMaker instance prices by (region, component, instance
// type), read from an AWS Price List offer file (AmazonSageMaker) or from the
// compact bundled table in data/. Immutable after loading; concurrent lookups
// are thread-safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "sageguard/cost/price_oracle.h"
#include "sageguard/result.h"

namespace sageguard::cost {

class PriceTable final : public PriceOracle {
 public:
  PriceTable() = default;

  // Reads an AWS Price List offer file for AmazonSageMaker (the regional or
  // the global file). Products with productFamily "ML Instance" and a known
  // platoinstancetype (Training, Hosting, Processing, BatchTransform) are
  // joined with their OnDemand hourly price; zero prices are skipped. When
  // several SKUs give the same key the highest price is kept (worst case).
  // Error (io/input) with the file name on unreadable or invalid JSON.
  static Result<PriceTable> from_offer_file(const std::string& path);
  static Result<PriceTable> from_offer_json(std::string_view text, const std::string& source_name);

  // The compact format of data/prices_*.json:
  //   {"format":"sageguard-prices-v1","date":"YYYY-MM-DD","source":"...",
  //    "regions":{"us-east-1":{"training":{"ml.m5.large":0.115,...},...}}}
  static Result<PriceTable> from_compact_json(std::string_view text, const std::string& source_name);

  // The table compiled into the binary (data/prices_us_east_1.json).
  static Result<PriceTable> builtin();

  // Either format, chosen by content (an offer file has "products").
  static Result<PriceTable> load_file(const std::string& path);

  std::optional<double> hourly(std::string_view region, Component c,
                               std::string_view instance_type) const override;

  // Adds or replaces one price (used by readers and tests).
  void set(std::string_view region, Component c, std::string_view instance_type, double usd_per_hour);

  std::size_t size() const { return prices_.size(); }
  // Where the prices came from and as of when (offer file: its
  // publicationDate; bundled table: its "date").
  const std::string& source() const { return source_; }
  const std::string& date() const { return date_; }

 private:
  static std::string key(std::string_view region, Component c, std::string_view instance_type);
  std::unordered_map<std::string, double> prices_;
  std::string source_;
  std::string date_;
};

}  // namespace sageguard::cost
