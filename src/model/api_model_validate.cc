// validate_api_request: a walk over the request in lock-step with the shape
// graph. The walk keeps the current path as string_views into the request and
// the graph, and only turns it into a JSON Pointer and a display name when a
// violation is reported, so a valid request costs no allocation besides the
// path stack.
#include <fmt/format.h>

#include <algorithm>
#include <bitset>
#include <cmath>

#include "model/api_model_graph.h"
#include "model/api_model_text.h"
#include "sageguard/api_model.h"
#include "util/strings.h"
#include "util/utf8.h"

namespace sageguard {
namespace {

using api_model::Shape;
using api_model::ShapeKind;

const char* expected_type(ShapeKind k) {
  switch (k) {
    case ShapeKind::structure:
    case ShapeKind::map: return "an object";
    case ShapeKind::list: return "an array";
    case ShapeKind::string:
    case ShapeKind::blob: return "a string";
    case ShapeKind::boolean: return "a boolean";
    case ShapeKind::integer:
    case ShapeKind::long_: return "an integer";
    case ShapeKind::float_:
    case ShapeKind::double_: return "a number";
    case ShapeKind::timestamp: return "a timestamp (string or number)";
  }
  return "?";
}

std::string describe_got(const Value& v) {
  if (v.is_number()) return "number " + api_model::format_number(v.as_number());
  return to_string(v.type());
}

struct Segment {
  enum class Kind : uint8_t { member, index, key };
  Kind kind = Kind::member;
  std::string_view name;  // member or map key
  size_t index = 0;       // list index
};

class Validator {
 public:
  Validator(const ApiValidateOptions& opts, std::vector<ApiViolation>& out) : opts_(opts), out_(out) {}

  void check(const Shape& s, const Value& v) {
    if (v.is_object() && v.members().size() == 1 && is_unresolved_expression(v)) return;
    switch (s.kind) {
      case ShapeKind::structure: return check_structure(s, v);
      case ShapeKind::list: return check_list(s, v);
      case ShapeKind::map: return check_map(s, v);
      case ShapeKind::string:
        if (!v.is_string()) return type_error(s, v);
        return check_string(s, v.as_string(), v.offset(), /*is_key=*/false);
      case ShapeKind::boolean:
        if (!v.is_bool()) return type_error(s, v);
        return;
      case ShapeKind::integer:
      case ShapeKind::long_:
        if (!v.is_number() || !v.is_integral()) return type_error(s, v);
        return check_integer_width(s, v);
      case ShapeKind::float_:
      case ShapeKind::double_:
        if (!v.is_number()) return type_error(s, v);
        return check_range(s, v);
      case ShapeKind::timestamp:
        if (!v.is_string() && !v.is_number()) return type_error(s, v);
        return;
      case ShapeKind::blob:
        if (!v.is_string()) return type_error(s, v);
        return;
    }
  }

 private:
  void check_structure(const Shape& s, const Value& v) {
    if (!v.is_object()) return type_error(s, v);
    std::bitset<api_model::kMaxMembers> present;
    for (const auto& [name, child] : v.members()) {
      int idx = s.find_member(name);
      if (idx < 0) {
        const bool iac_only =
            depth_ == 0 && std::find(opts_.skip_members.begin(), opts_.skip_members.end(),
                                     name) != opts_.skip_members.end();
        if (!opts_.allow_unknown_members && !iac_only) unknown_member(s, name, child.key_off());
        continue;
      }
      present.set(static_cast<size_t>(idx));
      const auto& m = s.members[static_cast<size_t>(idx)];
      push({Segment::Kind::member, m.name});
      check(*m.shape, child);
      pop();
    }
    for (uint16_t r : s.required) {
      if (present.test(r)) continue;
      const std::string_view name = s.members[r].name;
      if (depth_ == 0 && std::find(opts_.skip_required.begin(), opts_.skip_required.end(), name) !=
                               opts_.skip_required.end()) {
        continue;
      }
      push({Segment::Kind::member, name});
      std::string msg = fmt::format("missing required member '{}'", display());
      std::string ptr = pointer();
      pop();
      out_.push_back({v.offset(), std::move(ptr), std::move(msg)});
    }
  }

  void check_list(const Shape& s, const Value& v) {
    if (!v.is_array()) return type_error(s, v);
    const auto& items = v.items();
    count_check(s, items.size(), v.offset(), items.size() == 1 ? "item" : "items");
    for (size_t i = 0; i < items.size(); ++i) {
      push({Segment::Kind::index, {}, i});
      check(*s.member, items[i]);
      pop();
    }
  }

  void check_map(const Shape& s, const Value& v) {
    if (!v.is_object()) return type_error(s, v);
    const auto& members = v.members();
    count_check(s, members.size(), v.offset(), members.size() == 1 ? "entry" : "entries");
    for (const auto& [key, child] : members) {
      push({Segment::Kind::key, key});
      check_string(*s.key, key, child.key_off(), /*is_key=*/true);
      check(*s.value, child);
      pop();
    }
  }

  void count_check(const Shape& s, size_t n, uint64_t offset, const char* noun) {
    if (s.has_max && static_cast<double>(n) > s.max) {
      report(offset, fmt::format("{} has {} {}, at most {} allowed", display(), n, noun,
                                 api_model::format_number(s.max)));
    } else if (s.has_min && static_cast<double>(n) < s.min) {
      report(offset, fmt::format("{} has {} {}, at least {} required", display(), n, noun,
                                 api_model::format_number(s.min)));
    }
  }

  // Strings and map keys. A map key's violation points at the key token and
  // its message says "key".
  void check_string(const Shape& s, std::string_view str, uint64_t offset, bool is_key) {
    auto subject = [&] { return is_key ? display_parent() + " key" : display(); };
    if (!s.enum_sorted.empty() && !s.enum_contains(str)) {
      std::string msg = fmt::format("{} {} is not one of ", subject(), api_model::quote_value(str));
      if (s.enum_values.size() <= 10) {
        msg += fmt::format("{}", fmt::join(s.enum_values, ", "));
      } else {
        msg += fmt::format("the {} allowed values", s.enum_values.size());
      }
      if (auto near = closest_match(str, s.enum_values)) msg += fmt::format(" (did you mean '{}'?)", *near);
      report(offset, std::move(msg));
      return;  // a bad enum value breaks nothing else worth reporting
    }
    // A length violation is reported alone: the pattern usually encodes the
    // same limit, and a second message about it would only confuse.
    if (s.has_min || s.has_max) {
      // Code points never exceed bytes and a code point is at most 4 bytes,
      // so most strings are decided without counting.
      const size_t bytes = str.size();
      bool may_be_long = s.has_max && static_cast<double>(bytes) > s.max;
      bool may_be_short = s.has_min && static_cast<double>(bytes) < 4 * s.min;
      if (may_be_long || may_be_short) {
        const auto cps = static_cast<double>(utf8_count_code_points(str));
        if (s.has_max && cps > s.max) {
          report(offset, fmt::format("{} is {} characters long, at most {} allowed", subject(),
                                     api_model::format_number(cps), api_model::format_number(s.max)));
          return;
        } else if (s.has_min && cps < s.min) {
          report(offset, fmt::format("{} is {} characters long, at least {} required", subject(),
                                     api_model::format_number(cps), api_model::format_number(s.min)));
          return;
        }
      }
    }
    if (s.regex && !s.regex->full_match(str)) {
      report(offset, fmt::format("{} {} does not match pattern ^{}$", subject(), api_model::quote_value(str),
                                 s.pattern));
    }
  }

  void check_integer_width(const Shape& s, const Value& v) {
    // The model's integer is 32-bit and long 64-bit; the service rejects
    // anything wider even where the shape states no bound.
    const double d = v.as_number();
    const bool wide = s.kind == ShapeKind::integer ? (d < -2147483648.0 || d > 2147483647.0)
                                                   : (d < -9223372036854775808.0 || d >= 9223372036854775808.0);
    if (wide) {
      report(v.offset(), fmt::format("{} {} does not fit a {}-bit integer", display(),
                                     api_model::format_number(d), s.kind == ShapeKind::integer ? 32 : 64));
      return;
    }
    check_range(s, v);
  }

  void check_range(const Shape& s, const Value& v) {
    const double d = v.as_number();
    if (s.has_min && d < s.min) {
      report(v.offset(), fmt::format("{} must be at least {}, got {}", display(), api_model::format_number(s.min),
                                     api_model::format_number(d)));
    } else if (s.has_max && d > s.max) {
      report(v.offset(), fmt::format("{} must be at most {}, got {}", display(), api_model::format_number(s.max),
                                     api_model::format_number(d)));
    }
  }

  void type_error(const Shape& s, const Value& v) {
    report(v.offset(), fmt::format("{} must be {}, got {}", display(), expected_type(s.kind), describe_got(v)));
  }

  void unknown_member(const Shape& s, std::string_view name, uint64_t key_offset) {
    push({Segment::Kind::member, name});
    std::string msg = fmt::format("unknown member '{}'", display());
    std::vector<std::string_view> names;
    names.reserve(s.members.size());
    for (const auto& m : s.members) names.push_back(m.name);
    if (auto near = closest_match(name, names)) msg += fmt::format(" (did you mean '{}'?)", *near);
    report(key_offset, std::move(msg));
    pop();
  }

  void report(uint64_t offset, std::string message) { out_.push_back({offset, pointer(), std::move(message)}); }

  std::string pointer() const {
    std::string p;
    for (size_t i = 0; i < depth_; ++i) {
      const Segment& seg = path_[i];
      p += '/';
      if (seg.kind == Segment::Kind::index) {
        p += std::to_string(seg.index);
      } else {
        p += json_pointer_escape(seg.name);
      }
    }
    return p;
  }

  // "VpcConfig.Subnets", "ProductionVariants[0].InstanceType",
  // "Environment[\"KEY\"]"; "request" for the root.
  std::string display_upto(size_t n) const {
    if (n == 0) return "request";
    std::string d;
    for (size_t i = 0; i < n; ++i) {
      const auto& seg = path_[i];
      switch (seg.kind) {
        case Segment::Kind::member:
          if (i > 0) d += '.';
          d.append(seg.name);
          break;
        case Segment::Kind::index: d += fmt::format("[{}]", seg.index); break;
        case Segment::Kind::key: d += fmt::format("[\"{}\"]", seg.name); break;
      }
    }
    return d;
  }
  std::string display() const { return display_upto(depth_); }
  std::string display_parent() const { return display_upto(depth_ == 0 ? 0 : depth_ - 1); }

  // The path is a stack of fixed slots: request nesting follows the shape
  // graph, which is shallow (well under 16 levels), so it rarely grows.
  void push(Segment seg) {
    if (depth_ == path_.size()) path_.resize(path_.size() * 2);
    path_[depth_++] = seg;
  }
  void pop() { --depth_; }

  const ApiValidateOptions& opts_;
  std::vector<ApiViolation>& out_;
  std::vector<Segment> path_ = std::vector<Segment>(16);
  size_t depth_ = 0;
};

}  // namespace

bool is_unresolved_expression(const Value& v) {
  if (!v.is_object() || v.members().size() != 1) return false;
  const std::string_view key = v.members().front().first;
  return key == "Get" || key.rfind("Std:", 0) == 0 || key == "Ref" || key == "Condition" ||
         key.rfind("Fn::", 0) == 0;
}

uint32_t count_unresolved(const Value& v) {
  if (is_unresolved_expression(v)) return 1;
  uint32_t n = 0;
  if (v.is_object()) {
    for (const auto& m : v.members()) n += count_unresolved(m.second);
  } else if (v.is_array()) {
    for (const Value& item : v.items()) n += count_unresolved(item);
  }
  return n;
}

bool validate_api_request(std::string_view operation, const Value& request, const ApiValidateOptions& opts,
                          std::vector<ApiViolation>& out) {
  const auto& g = api_model::graph();
  if (!g.ok()) return false;
  const Shape* input = g.value()->find_operation(operation);
  if (input == nullptr) return false;
  Validator(opts, out).check(*input, request);
  return true;
}

Result<ApiModelInfo> api_model_info() {
  const auto& g = api_model::graph();
  if (!g.ok()) return g.error();
  ApiModelInfo info;
  info.botocore_version = std::string(g.value()->botocore_version);
  for (const auto& [op, shape] : g.value()->operations) info.operations.emplace_back(op);
  info.shape_count = g.value()->shapes.size();
  info.unchecked_patterns = g.value()->unchecked_patterns;
  // Patterns compile on first use; a report of what is checked compiles all.
  for (const auto& p : g.value()->patterns) {
    if (!p->compile_error().empty()) info.unchecked_patterns.emplace_back(p->source(), p->compile_error());
  }
  return info;
}

}  // namespace sageguard
