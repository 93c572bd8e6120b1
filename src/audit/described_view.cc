#include "audit/described_view.h"

#include <array>
#include <string_view>

namespace sageguard::audit {
namespace {

bool is_empty_object(const nlohmann::json& v) { return v.is_object() && v.empty(); }

void drop_absent(nlohmann::json& v) {
  if (v.is_object()) {
    for (auto it = v.begin(); it != v.end();) {
      drop_absent(*it);
      if (it->is_null() || is_empty_object(*it)) {
        it = v.erase(it);
      } else {
        ++it;
      }
    }
  } else if (v.is_array()) {
    for (auto& item : v) drop_absent(item);
  }
}

constexpr std::array<std::string_view, 4> kEndpointMembers = {
    "EndpointName", "EndpointArn", "EndpointConfigName", "DeploymentConfig"};

}  // namespace

nlohmann::json described_view(ResourceKind kind, const nlohmann::json& described,
                              const nlohmann::json& tags) {
  nlohmann::json out = described.is_object() ? described : nlohmann::json::object();
  if (kind == ResourceKind::endpoint) {
    nlohmann::json kept = nlohmann::json::object();
    for (std::string_view m : kEndpointMembers) {
      auto it = out.find(std::string(m));
      if (it != out.end()) kept[std::string(m)] = *it;
    }
    out = std::move(kept);
  }
  out.erase("Tags");
  drop_absent(out);
  out["Tags"] = tags.is_array() ? tags : nlohmann::json::array();
  return out;
}

}  // namespace sageguard::audit
