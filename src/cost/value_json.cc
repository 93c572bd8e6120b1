#include "cost/value_json.h"

#include <cmath>
#include <limits>

namespace sageguard::cost {

namespace {

// One walk for both faces: `r` is null for plain conversion.
nlohmann::json convert(const Value& v, const Resource* r, std::vector<std::string>* used) {
  if (r != nullptr && v.is_object()) {
    if (auto d = parameter_default(*r, v)) {
      nlohmann::json value = convert(*d->value, nullptr, nullptr);
      used->push_back(std::string(d->name) + "=" +
                      (value.is_string() ? value.get<std::string>() : value.dump()));
      return value;
    }
  }
  switch (v.type()) {
    case ValueType::null:
      return nullptr;
    case ValueType::boolean:
      return v.as_bool();
    case ValueType::number: {
      const double d = v.as_number();
      // 2^63 is exactly representable; anything at or above it overflows int64.
      if (v.is_integral() && std::isfinite(d) && d >= -9.2233720368547758e18 &&
          d < 9.2233720368547758e18 && d == std::floor(d)) {
        return static_cast<int64_t>(d);
      }
      return d;
    }
    case ValueType::string:
      return std::string(v.as_string());
    case ValueType::array: {
      nlohmann::json a = nlohmann::json::array();
      for (const auto& item : v.items()) a.push_back(convert(item, r, used));
      return a;
    }
    case ValueType::object: {
      nlohmann::json o = nlohmann::json::object();
      for (const auto& [key, value] : v.members()) o[key] = convert(value, r, used);
      return o;
    }
  }
  return nullptr;
}

}  // namespace

nlohmann::json to_json(const Value& v) { return convert(v, nullptr, nullptr); }

nlohmann::json to_json_with_defaults(const Value& v, const Resource& r,
                                     std::vector<std::string>& used) {
  return convert(v, &r, &used);
}

}  // namespace sageguard::cost
