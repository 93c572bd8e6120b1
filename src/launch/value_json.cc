#include "launch/value_json.h"

#include <cmath>
#include <limits>

namespace sageguard::launch {

nlohmann::json to_json(const Value& v) {
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
      for (const auto& item : v.items()) a.push_back(to_json(item));
      return a;
    }
    case ValueType::object: {
      nlohmann::json o = nlohmann::json::object();
      for (const auto& [key, value] : v.members()) o[key] = to_json(value);
      return o;
    }
  }
  return nullptr;
}

}  // namespace sageguard::launch
