// Reading the accounts file through the model's YAML reader, so every
// error can name its line and column.
#include "sageguard/audit/accounts_file.h"

#include <algorithm>
#include <set>

#include "sageguard/aws/account_role.h"
#include "sageguard/aws/shared_config.h"
#include "sageguard/document.h"
#include "util/files.h"

namespace sageguard::audit {

namespace {

class Reader {
 public:
  explicit Reader(const Document& doc) : doc_(doc) {}

  Error error_at(uint64_t offset, std::string message) const {
    const LineCol lc = doc_.locate(offset);
    Error e = Error::at(ErrorCode::input, doc_.path(), lc.line, lc.column, std::move(message));
    e.source_line = std::string(doc_.line_text(lc.line));
    return e;
  }
  Error error_at(const Value& v, std::string message) const { return error_at(v.offset(), std::move(message)); }

  // A scalar as written: strings as they are, numbers by their source text
  // (so 012345678901 keeps its leading zero).
  Result<std::string> scalar(const Value& v, const std::string& what) const {
    if (v.is_string()) return std::string(v.as_string());
    if (v.type() == ValueType::number && v.is_integral()) {
      const std::string_view text = doc_.text();
      size_t end = v.offset();
      while (end < text.size() && text[end] >= '0' && text[end] <= '9') ++end;
      if (end > v.offset()) return std::string(text.substr(v.offset(), end - v.offset()));
    }
    return error_at(v, "'" + what + "' must be a string, not " + to_string(v.type()));
  }

  Result<std::vector<std::string>> string_list(const Value& v, const std::string& what) const {
    std::vector<std::string> out;
    if (v.type() == ValueType::null) return out;
    if (!v.is_array()) return error_at(v, "'" + what + "' must be a list");
    for (const Value& item : v.items()) {
      SG_ASSIGN_OR_RETURN(std::string s, scalar(item, what));
      out.push_back(std::move(s));
    }
    return out;
  }

  Result<AccountEntry> entry(const Value& v) const {
    if (!v.is_object()) return error_at(v, "each item of 'accounts' must be a mapping");
    AccountEntry e;
    const Value* id = nullptr;
    for (const Member& m : v.members()) {
      const std::string key(m.first);
      const Value& val = m.second;
      if (key == "account_id") {
        id = &val;
        SG_ASSIGN_OR_RETURN(e.account_id, scalar(val, key));
      } else if (key == "name") {
        SG_ASSIGN_OR_RETURN(e.name, scalar(val, key));
      } else if (key == "role") {
        SG_ASSIGN_OR_RETURN(e.role, scalar(val, key));
        if (e.role.empty()) return error_at(val, "'role' must not be empty");
      } else if (key == "external_id") {
        SG_ASSIGN_OR_RETURN(e.external_id, scalar(val, key));
      } else if (key == "regions") {
        SG_ASSIGN_OR_RETURN(e.regions, string_list(val, key));
        for (size_t i = 0; i < e.regions.size(); ++i) {
          if (Status s = aws::check_region_name(e.regions[i], "region"); !s.ok()) {
            return error_at(val.items()[i], s.error().message);
          }
          if (std::find(e.regions.begin(), e.regions.begin() + static_cast<std::ptrdiff_t>(i), e.regions[i]) !=
              e.regions.begin() + static_cast<std::ptrdiff_t>(i)) {
            return error_at(val.items()[i], "region '" + e.regions[i] + "' is listed twice");
          }
        }
      } else if (key == "tags") {
        SG_TRY(read_tags(val, e.tags));
      } else if (key == "vars" || key == "email") {
        // c7n-org's own keys: kept in the file, not used here.
      } else {
        return error_at(m.second.key_off(), "unknown key '" + key +
                                                "' in an account (expected account_id, name, role, "
                                                "external_id, regions, tags)");
      }
    }
    if (id == nullptr) return error_at(v, "an account has no 'account_id'");
    if (!aws::is_account_id(e.account_id)) {
      return error_at(*id, "account_id '" + e.account_id + "' is not 12 digits");
    }
    return e;
  }

  Status read_tags(const Value& v, std::vector<std::pair<std::string, std::string>>& out) const {
    if (v.type() == ValueType::null) return Status::success();
    if (v.is_object()) {
      for (const Member& m : v.members()) {
        SG_ASSIGN_OR_RETURN(std::string value, scalar(m.second, "tags"));
        out.emplace_back(std::string(m.first), std::move(value));
      }
      return Status::success();
    }
    SG_ASSIGN_OR_RETURN(auto items, string_list(v, "tags"));
    for (auto& t : items) {
      const size_t colon = t.find(':');
      if (colon == std::string::npos) {
        out.emplace_back(std::move(t), "");
      } else {
        out.emplace_back(t.substr(0, colon), t.substr(colon + 1));
      }
    }
    return Status::success();
  }

 private:
  const Document& doc_;
};

}  // namespace

Result<std::vector<AccountEntry>> parse_accounts_file(const std::string& path, std::string text) {
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) {
    return Error::at(ErrorCode::input, path, 1, 1, "the accounts file is empty; it must hold an 'accounts:' list");
  }
  SG_ASSIGN_OR_RETURN(auto doc, parse_document(path, std::move(text)));
  Reader r(*doc);
  const Value& root = doc->root();
  if (!root.is_object()) return r.error_at(root, "the accounts file must be a mapping with an 'accounts:' list");
  const Value* list = nullptr;
  for (const Member& m : root.members()) {
    if (m.first == "accounts") {
      list = &m.second;
    } else if (m.first != "vars") {
      return r.error_at(m.second.key_off(), "unknown key '" + std::string(m.first) +
                                                "' (the accounts file holds 'accounts:')");
    }
  }
  if (list == nullptr) return r.error_at(root, "no 'accounts:' list");
  if (!list->is_array()) return r.error_at(*list, "'accounts' must be a list");
  std::vector<AccountEntry> out;
  std::set<std::string> seen;
  for (const Value& item : list->items()) {
    SG_ASSIGN_OR_RETURN(AccountEntry e, r.entry(item));
    if (!seen.insert(e.account_id).second) {
      const Value* id = item.find("account_id");
      return r.error_at(id != nullptr ? *id : item, "account " + e.account_id + " is listed twice");
    }
    out.push_back(std::move(e));
  }
  return out;
}

Result<std::vector<AccountEntry>> load_accounts_file(const std::string& path) {
  SG_ASSIGN_OR_RETURN(std::string text, read_file_limited(path, 16u << 20));
  return parse_accounts_file(path, std::move(text));
}

Result<std::vector<AccountEntry>> select_accounts(std::vector<AccountEntry> entries,
                                                  const std::vector<std::string>& only,
                                                  const std::vector<std::string>& exclude) {
  for (const auto* ids : {&only, &exclude}) {
    for (const auto& id : *ids) {
      if (!aws::is_account_id(id)) {
        return Error::make(ErrorCode::usage, "'" + id + "' is not an account id (12 digits)");
      }
    }
  }
  for (const auto& id : only) {
    const bool known = std::any_of(entries.begin(), entries.end(),
                                   [&](const AccountEntry& e) { return e.account_id == id; });
    if (!known) return Error::make(ErrorCode::usage, "--account " + id + ": no such account to audit");
  }
  std::vector<AccountEntry> out;
  for (auto& e : entries) {
    const bool in = only.empty() || std::find(only.begin(), only.end(), e.account_id) != only.end();
    const bool out_ = std::find(exclude.begin(), exclude.end(), e.account_id) != exclude.end();
    if (in && !out_) out.push_back(std::move(e));
  }
  return out;
}

}  // namespace sageguard::audit
