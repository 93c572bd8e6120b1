// PriceTable: offer-file and compact-table readers (simdjson DOM: the regional
// SageMaker offer file is tens of MB and nlohmann would be several times slower).
#include "sageguard/cost/price_table.h"

#include <simdjson.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <string>
#include <unordered_map>
#include <vector>

// Defined by the build from data/prices_us_east_1.json (tools/embed.cmake).
extern const std::string_view sageguard_embedded_prices_us_east_1_json;

namespace sageguard::cost {
namespace {

std::optional<Component> component_from_plato(std::string_view v) {
  std::string n;
  for (char ch : v) {
    if (std::isalnum(static_cast<unsigned char>(ch))) n += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  }
  if (n == "training") return Component::training;
  if (n == "hosting") return Component::hosting;
  if (n == "processing") return Component::processing;
  if (n == "batchtransform" || n == "transform") return Component::batch_transform;
  return std::nullopt;  // SpotTraining, Notebook, Studio... are not priced here
}

std::optional<Component> component_from_name(std::string_view v) {
  if (v == "training") return Component::training;
  if (v == "hosting") return Component::hosting;
  if (v == "processing") return Component::processing;
  if (v == "batch_transform" || v == "batch-transform") return Component::batch_transform;
  return std::nullopt;
}

std::optional<double> parse_price(std::string_view s) {
  double d = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return d;
}

struct SkuInfo {
  std::string region;
  Component component;
  std::string instance;
};

}  // namespace

std::string PriceTable::key(std::string_view region, Component c, std::string_view instance_type) {
  std::string k;
  k.reserve(region.size() + instance_type.size() + 4);
  k.append(region);
  k.push_back('\x1f');
  k.push_back(static_cast<char>('0' + static_cast<int>(c)));
  k.push_back('\x1f');
  k.append(instance_type);
  return k;
}

void PriceTable::set(std::string_view region, Component c, std::string_view instance_type,
                     double usd_per_hour) {
  prices_[key(region, c, instance_type)] = usd_per_hour;
}

std::optional<double> PriceTable::hourly(std::string_view region, Component c,
                                         std::string_view instance_type) const {
  auto it = prices_.find(key(region, c, instance_type));
  if (it == prices_.end()) return std::nullopt;
  return it->second;
}

Result<PriceTable> PriceTable::from_offer_json(std::string_view text, const std::string& source_name) {
  PriceTable table;
  table.source_ = source_name;
  try {
    simdjson::dom::parser parser;
    simdjson::dom::element root = parser.parse(text.data(), text.size(), true);
    simdjson::dom::object products;
    if (root["products"].get(products) != simdjson::SUCCESS) {
      return Error::at(ErrorCode::input, source_name, 0, 0,
                       "not an AWS Price List offer file: no \"products\" object");
    }
    std::string_view pub;
    if (root["publicationDate"].get(pub) == simdjson::SUCCESS) table.date_ = std::string(pub);

    // Products and terms are separate objects; join on SKU.
    std::unordered_map<std::string, SkuInfo> skus;
    for (auto [sku, product] : products) {
      std::string_view family;
      if (product["productFamily"].get(family) != simdjson::SUCCESS || family != "ML Instance") continue;
      simdjson::dom::object attrs;
      if (product["attributes"].get(attrs) != simdjson::SUCCESS) continue;
      std::string_view instance, region, plato;
      if (attrs["instanceName"].get(instance) != simdjson::SUCCESS) continue;
      if (attrs["regionCode"].get(region) != simdjson::SUCCESS) continue;
      if (attrs["platoinstancetype"].get(plato) != simdjson::SUCCESS) continue;
      auto comp = component_from_plato(plato);
      if (!comp || instance.empty() || region.empty()) continue;
      skus.emplace(std::string(sku), SkuInfo{std::string(region), *comp, std::string(instance)});
    }

    simdjson::dom::object on_demand;
    if (root["terms"]["OnDemand"].get(on_demand) != simdjson::SUCCESS) {
      return Error::at(ErrorCode::input, source_name, 0, 0,
                       "offer file has no \"terms.OnDemand\" object");
    }
    for (auto [sku, offers] : on_demand) {
      auto info = skus.find(std::string(sku));
      if (info == skus.end()) continue;
      simdjson::dom::object offers_obj;
      if (offers.get(offers_obj) != simdjson::SUCCESS) continue;
      for (auto [offer_code, offer] : offers_obj) {
        simdjson::dom::object dims;
        if (offer["priceDimensions"].get(dims) != simdjson::SUCCESS) continue;
        for (auto [rate_code, dim] : dims) {
          std::string_view unit, usd;
          if (dim["unit"].get(unit) != simdjson::SUCCESS) continue;
          std::string u(unit);
          std::transform(u.begin(), u.end(), u.begin(), [](unsigned char ch) { return std::tolower(ch); });
          if (u != "hrs" && u != "hours" && u != "hour" && u != "hrs.") continue;
          if (dim["pricePerUnit"]["USD"].get(usd) != simdjson::SUCCESS) continue;
          auto price = parse_price(usd);
          if (!price || *price <= 0) continue;  // free tier and malformed: never a zero price
          const SkuInfo& s = info->second;
          std::string k = key(s.region, s.component, s.instance);
          auto [it, inserted] = table.prices_.emplace(k, *price);
          if (!inserted && *price > it->second) it->second = *price;
        }
      }
    }
  } catch (const simdjson::simdjson_error& e) {
    return Error::at(ErrorCode::input, source_name, 0, 0,
                     std::string("invalid offer file JSON: ") + e.what());
  }
  return table;
}

Result<PriceTable> PriceTable::from_offer_file(const std::string& path) {
  simdjson::padded_string text;
  if (simdjson::padded_string::load(path).get(text) != simdjson::SUCCESS) {
    return Error::at(ErrorCode::io, path, 0, 0, "cannot read price list");
  }
  return from_offer_json(std::string_view(text.data(), text.size()), path);
}

Result<PriceTable> PriceTable::from_compact_json(std::string_view text, const std::string& source_name) {
  PriceTable table;
  try {
    simdjson::dom::parser parser;
    simdjson::dom::element root = parser.parse(text.data(), text.size(), true);
    std::string_view s;
    if (root["date"].get(s) == simdjson::SUCCESS) table.date_ = std::string(s);
    if (root["source"].get(s) == simdjson::SUCCESS) table.source_ = std::string(s);
    if (table.source_.empty()) table.source_ = source_name;
    simdjson::dom::object regions;
    if (root["regions"].get(regions) != simdjson::SUCCESS) {
      return Error::at(ErrorCode::input, source_name, 0, 0, "price table has no \"regions\" object");
    }
    for (auto [region, comps] : regions) {
      simdjson::dom::object comps_obj;
      if (comps.get(comps_obj) != simdjson::SUCCESS) {
        return Error::at(ErrorCode::input, source_name, 0, 0,
                         "region '" + std::string(region) + "' is not an object");
      }
      for (auto [comp_name, instances] : comps_obj) {
        auto comp = component_from_name(comp_name);
        if (!comp) {
          return Error::at(ErrorCode::input, source_name, 0, 0,
                           "unknown component '" + std::string(comp_name) + "'");
        }
        simdjson::dom::object inst_obj;
        if (instances.get(inst_obj) != simdjson::SUCCESS) continue;
        for (auto [instance, price] : inst_obj) {
          double usd = 0;
          if (price.get(usd) != simdjson::SUCCESS || usd <= 0) {
            return Error::at(ErrorCode::input, source_name, 0, 0,
                             "price of '" + std::string(instance) + "' must be a positive number");
          }
          table.set(region, *comp, instance, usd);
        }
      }
    }
  } catch (const simdjson::simdjson_error& e) {
    return Error::at(ErrorCode::input, source_name, 0, 0,
                     std::string("invalid price table JSON: ") + e.what());
  }
  return table;
}

Result<PriceTable> PriceTable::builtin() {
  return from_compact_json(sageguard_embedded_prices_us_east_1_json, "data/prices_us_east_1.json");
}

Result<PriceTable> PriceTable::load_file(const std::string& path) {
  simdjson::padded_string text;
  if (simdjson::padded_string::load(path).get(text) != simdjson::SUCCESS) {
    return Error::at(ErrorCode::io, path, 0, 0, "cannot read price list");
  }
  std::string_view view(text.data(), text.size());
  // The offer file is big; look only at its head for the discriminating key.
  if (view.substr(0, 4096).find("\"offerCode\"") != std::string_view::npos ||
      view.substr(0, 4096).find("\"products\"") != std::string_view::npos) {
    return from_offer_json(view, path);
  }
  return from_compact_json(view, path);
}

}  // namespace sageguard::cost
