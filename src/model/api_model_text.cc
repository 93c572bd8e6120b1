#include "model/api_model_text.h"

#include <charconv>

namespace sageguard::api_model {

std::string quote_value(std::string_view s) {
  constexpr size_t kMaxCodePoints = 80;
  size_t cps = 0;
  size_t cut = s.size();
  for (size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
      if (cps == kMaxCodePoints) {
        cut = i;
        break;
      }
      ++cps;
    }
  }
  std::string out = "'";
  out.append(s.substr(0, cut));
  if (cut < s.size()) out += "...";
  out += "'";
  return out;
}

std::string format_number(double d) {
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, d);
  return std::string(buf, res.ptr);
}

}  // namespace sageguard::api_model
