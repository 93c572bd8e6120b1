// Row-by-row aggregation of legacy CUR, CUR 2.0 and FOCUS files.
#include "cur_aggregator.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstring>
#include <span>

#include "cost_number.h"
#include "cur_measure.h"
#include "cur_scan.h"
#include "sageguard/cost/csv_reader.h"

namespace sageguard::cost {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

bool digit(char c) { return static_cast<unsigned char>(c - '0') < 10; }

bool is_date(std::string_view v) {
  if (v.size() < 10) return false;
  for (int i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (!digit(v[static_cast<std::size_t>(i)])) return false;
  }
  return v[4] == '-' && v[7] == '-';
}

// v == lit with the length known at compile time, so the compare is inlined
// (these run for every row).
template <std::size_t N>
bool is(std::string_view v, const char (&lit)[N]) {
  return v.size() == N - 1 && std::memcmp(v.data(), lit, N - 1) == 0;
}

bool is_sagemaker(const CurSchema& s, std::span<const std::string_view> f) {
  if (s.format != CurFormat::focus) return is(f[static_cast<std::size_t>(s.product)], "AmazonSageMaker");
  if (s.service_code >= 0 && is(f[static_cast<std::size_t>(s.service_code)], "AmazonSageMaker")) return true;
  if (s.product < 0) return false;
  std::string_view name = f[static_cast<std::size_t>(s.product)];
  return iequals(name, "Amazon SageMaker") || iequals(name, "AmazonSageMaker");
}

void append_key_part(std::string& out, const std::optional<std::string_view>& v) {
  if (!v) {
    out.push_back('\0');
    return;
  }
  out.push_back('\1');
  uint32_t n = static_cast<uint32_t>(v->size());
  out.append(reinterpret_cast<const char*>(&n), sizeof n);
  out.append(*v);
}

std::optional<std::string_view> non_empty(std::string_view v) {
  if (v.empty()) return std::nullopt;
  return v;
}

}  // namespace

Status CurAggregator::malformed(const std::string& file, std::size_t file_index, uint64_t line,
                                std::string reason) {
  ++malformed_;
  if (opts_.strict) {
    return Error::at(ErrorCode::input, file, static_cast<uint32_t>(line), 0, "malformed row: " + reason);
  }
  if (samples_.size() < opts_.max_malformed_samples) {
    samples_.push_back(Sample{file_index, MalformedRow{file, line, std::move(reason)}});
  }
  return Status::success();
}

bool CurAggregator::read_json_tags(const CurSchema& s, std::string_view text) {
  std::fill(json_values_.begin(), json_values_.end(), std::nullopt);
  std::fill(json_rank_.begin(), json_rank_.end(), 0);
  json_scratch_.clear();
  if (text.empty()) return true;
  simdjson::dom::element root;
  if (json_.parse(text.data(), text.size(), true).get(root) != simdjson::SUCCESS) return false;
  simdjson::dom::object obj;
  if (root.get(obj) != simdjson::SUCCESS) return root.is_null();
  // Values are kept as views into the parser's buffers, valid until the next parse.
  for (auto field : obj) {
    std::string_view value;
    if (field.value.get(value) != simdjson::SUCCESS) continue;  // non-string tag values are ignored
    for (std::size_t i = 0; i < s.keys.size(); ++i) {
      if (s.keys[i].kind != KeySource::Kind::json_tag) continue;
      int rank = json_tag_match(s.format, field.key, s.keys[i].user_key);
      if (rank > json_rank_[i]) {
        json_rank_[i] = rank;
        json_values_[i] = non_empty(value);
      }
    }
  }
  return true;
}

void CurAggregator::read_tag_pairs(const CurSchema& s, const TagPairs& tags) {
  std::fill(json_values_.begin(), json_values_.end(), std::nullopt);
  std::fill(json_rank_.begin(), json_rank_.end(), 0);
  for (const auto& [key, value] : tags) {
    if (!value) continue;  // as a JSON null: ignored
    // A file has few distinct tag keys: each key's ranks are worked out once.
    const std::vector<int>* ranks = nullptr;
    for (const auto& [k, r] : tag_ranks_) {
      if (k == key) {
        ranks = &r;
        break;
      }
    }
    std::vector<int> fresh;
    if (!ranks) {
      for (std::size_t i = 0; i < s.keys.size(); ++i) {
        fresh.push_back(s.keys[i].kind == KeySource::Kind::json_tag ? json_tag_match(s.format, key, s.keys[i].user_key)
                                                                    : 0);
      }
      if (tag_ranks_.size() < 256) {
        tag_ranks_.emplace_back(std::string(key), std::move(fresh));
        ranks = &tag_ranks_.back().second;
      } else {
        ranks = &fresh;
      }
    }
    for (std::size_t i = 0; i < s.keys.size(); ++i) {
      const int rank = (*ranks)[i];
      if (rank > json_rank_[i]) {
        json_rank_[i] = rank;
        json_values_[i] = non_empty(*value);
      }
    }
  }
}

template <class Cost>
void CurAggregator::add_month(std::string_view month, const Cost& cost) {
  if (last_month_ < months_.size() && months_[last_month_].first.size() == month.size() &&
      std::memcmp(months_[last_month_].first.data(), month.data(), month.size()) == 0) {
    months_[last_month_].second += cost;
    return;
  }
  for (std::size_t i = 0; i < months_.size(); ++i) {
    if (months_[i].first == month) {
      last_month_ = i;
      months_[i].second += cost;
      return;
    }
  }
  last_month_ = months_.size();
  months_.emplace_back(std::string(month), ExactSum());
  months_.back().second += cost;
}

namespace {

// CsvReader over memory does not know the file: its errors are named here.
Status named(Status st, const std::string& file) {
  if (st.ok()) return st;
  Error e = std::move(st).error();
  if (e.file.empty()) e.file = file;
  return e;
}

}  // namespace

Status CurAggregator::add(ByteSource& source, std::size_t file_index) {
  CsvReader reader(source);
  SG_ASSIGN_OR_RETURN(std::optional<CurSchema> schema, begin_file(reader, source.name()));
  if (!schema) return Status::success();  // empty file: nothing billed
  return add_rows(reader, *schema, source.name(), file_index);
}

Result<std::optional<CurSchema>> CurAggregator::begin_file(CsvReader& reader, const std::string& file) {
  std::vector<std::string_view> header;
  auto read = reader.next(header);
  if (!read.ok()) return named(std::move(read).error(), file).error();
  const bool has_header = *read;
  if (!has_header) return std::optional<CurSchema>();
  if (!reader.record_problem().empty()) {
    return Error::at(ErrorCode::input, file, static_cast<uint32_t>(reader.record_line()), 0,
                     "bad CSV header: " + reader.record_problem());
  }
  SG_ASSIGN_OR_RETURN(CurSchema s, begin_header(header, file, false));
  return std::optional<CurSchema>(std::move(s));
}

Result<CurSchema> CurAggregator::begin_header(const std::vector<std::string_view>& header, const std::string& file,
                                              bool athena_names) {
  SG_ASSIGN_OR_RETURN(CurSchema s, make_schema(header, opts_, file, athena_names));
  formats_.insert(s.format);
  for (const auto& w : s.warnings) {
    if (warnings_.size() < 100) warnings_.insert(w);
  }
  return s;
}

std::vector<uint8_t> CurAggregator::needed_columns(const CurSchema& s) const {
  std::vector<uint8_t> need(s.columns, 0);
  auto mark = [&](int c) {
    if (c >= 0 && static_cast<std::size_t>(c) < need.size()) need[static_cast<std::size_t>(c)] = 1;
  };
  for (int c : {s.product, s.service_code, s.measure, s.line_type, s.start, s.pricing_category, s.usage_type,
                s.public_od, s.unblended, s.currency, s.charge_category, s.commitment_status, s.commitment_type}) {
    mark(c);
  }
  // The columns only the Savings Plans / reservation measures read
  // (cur_measure.cc): Parquet then leaves them undecoded.
  if (opts_.measure != Measure::unblended && opts_.measure != Measure::public_on_demand) {
    for (int c : {s.sp_effective, s.ri_effective, s.sp_total_commitment, s.sp_used_commitment, s.sp_offering_type,
                  s.ri_unused_upfront, s.ri_unused_recurring, s.ri_arn}) {
      mark(c);
    }
  }
  if (s.needs_json) mark(s.tags);
  for (const KeySource& k : s.keys) {
    if (k.kind == KeySource::Kind::column) mark(k.column);
    if (k.kind == KeySource::Kind::resource) mark(s.resource);
  }
  return need;
}

Status CurAggregator::add_rows(CsvReader& reader, const CurSchema& s, const std::string& file,
                               std::size_t file_index) {
  begin_rows(s);
  for (;;) {
    SG_ASSIGN_OR_RETURN(bool more, reader.read_record());
    if (!more) break;
    auto f = reader.record();
    SG_TRY(add_row(s, f.data(), f.size(), reader.record_line(), reader.record_problem(), file, file_index));
  }
  return Status::success();
}

Status CurAggregator::add_chunk(char* data, std::size_t len, std::size_t capacity, uint64_t first_line,
                                const CurSchema& s, const std::string& file, std::size_t file_index) {
  begin_rows(s);
  // The columns add_row reads; the scanner skips the others.
  std::vector<uint8_t> need = needed_columns(s);
  RecordScanner scanner(data, len, capacity, first_line, std::move(need));
  Status st = scanner.scan([&](const std::string_view* f, std::size_t count, uint64_t line, const std::string& problem) {
    return add_row(s, f, count, line, problem, file, file_index);
  });
  return named(std::move(st), file);
}

void CurAggregator::begin_rows(const CurSchema& s) {
  tag_ranks_.clear();  // ranks depend on the file's format and keys
  json_values_.assign(s.keys.size(), std::nullopt);
  json_rank_.assign(s.keys.size(), 0);
  since_ = opts_.since.value_or("");
  until_ = opts_.until.value_or("");
  last_acc_ = nullptr;
}

std::vector<uint8_t> CurAggregator::number_columns(const CurSchema& s) const {
  std::vector<uint8_t> out(s.columns, 0);
  auto mark = [&](int c, uint8_t v) {
    if (c >= 0 && static_cast<std::size_t>(c) < out.size()) out[static_cast<std::size_t>(c)] = v;
  };
  for (int c : {s.measure, s.unblended, s.public_od, s.effective, s.sp_effective, s.ri_effective,
                s.sp_total_commitment, s.sp_used_commitment, s.ri_unused_upfront, s.ri_unused_recurring}) {
    mark(c, 1);
  }
  // A column also read as text (should a file name one column twice) is not.
  for (int c : {s.product, s.service_code, s.line_type, s.start, s.pricing_category, s.usage_type, s.resource,
                s.currency, s.charge_category, s.commitment_status, s.commitment_type, s.sp_offering_type, s.ri_arn,
                s.tags}) {
    mark(c, 0);
  }
  for (const KeySource& k : s.keys) {
    if (k.kind == KeySource::Kind::column) mark(k.column, 0);
  }
  return out;
}

void CurAggregator::start_class(std::string_view start, std::string& out) const {
  const bool filtered = !since_.empty() || !until_.empty();
  out.clear();
  if (!is_date(start)) {
    out.push_back('\0');
    if (filtered) out.append(start);  // named in the malformed row's reason
    return;
  }
  out.push_back('\1');
  out.append(start.substr(0, filtered ? 10 : 7));
}

bool CurAggregator::tag_key_used(const CurSchema& s, std::string_view key) const {
  for (const KeySource& k : s.keys) {
    if (k.kind == KeySource::Kind::json_tag && json_tag_match(s.format, key, k.user_key) > 0) return true;
  }
  return false;
}

Status CurAggregator::add_row(const CurSchema& s, const std::string_view* f, std::size_t count, uint64_t line,
                              const std::string& problem, const std::string& file, std::size_t file_index) {
  if (!problem.empty()) {
    ++rows_;
    return malformed(file, file_index, line, problem);
  }
  if (count != s.columns) {
    ++rows_;
    return malformed(file, file_index, line,
                     "expected " + std::to_string(s.columns) + " fields, found " + std::to_string(count));
  }
  classify(s, f, row_tags_, row_class_);
  struct Text {
    static Number number(const void* context, int c) {
      const std::string_view v = static_cast<const std::string_view*>(context)[c];
      const std::optional<double> d = parse_cost(v);
      return d ? Number{true, *d, {}} : Number{false, 0, v};
    }
  };
  return add_classified(s, row_class_, NumberSource{f, &Text::number}, line, file, file_index);
}

void CurAggregator::classify(const CurSchema& s, const std::string_view* f, const TagPairs* tags, RowClass& out) {
  auto at = [&](int c) -> std::string_view { return f[static_cast<std::size_t>(c)]; };
  out.kind = RowClass::Kind::counted;
  out.reason.clear();
  out.bad_tags = false;
  out.acc = nullptr;
  out.key.clear();
  out.month = {};
  out.currency = {};
  if (!opts_.all_services && !is_sagemaker(s, std::span<const std::string_view>(f, s.columns)) &&
      !(opts_.measure == Measure::amortized && is_sagemaker_plan_fee(s, f))) {
    out.kind = RowClass::Kind::skipped;
    return;
  }

  std::string_view start = s.start >= 0 ? at(s.start) : std::string_view();
  const bool dated = is_date(start);
  if (!since_.empty() || !until_.empty()) {
    if (!dated) {
      out.kind = RowClass::Kind::malformed;
      out.reason = "bad usage start date '" + std::string(start.substr(0, 40)) + "'";
      return;
    }
    std::string_view day = start.substr(0, 10);
    if ((!since_.empty() && day < since_) || (!until_.empty() && day > until_)) {
      out.kind = RowClass::Kind::skipped;
      return;
    }
  }
  if (dated) out.month = start.substr(0, 7);
  out.measure = measure_formula(opts_.measure, s, f);
  out.coverage = coverage_formula(s, f);
  // Spot savings (see CostGroup::spot_savings).
  out.spot = (s.format == CurFormat::focus ? (s.pricing_category >= 0 && at(s.pricing_category) == "Dynamic")
                                           : (s.usage_type >= 0 && at(s.usage_type).find("Spot") != std::string_view::npos)) &&
             s.public_od >= 0 && s.unblended >= 0;

  if (s.needs_json && tags) {
    read_tag_pairs(s, *tags);
  } else if (s.needs_json && !read_json_tags(s, at(s.tags))) {
    out.bad_tags = true;
    return;
  }
  out.parts.resize(s.keys.size());
  for (std::size_t i = 0; i < s.keys.size(); ++i) {
    const KeySource& k = s.keys[i];
    std::optional<std::string_view> v;
    switch (k.kind) {
      case KeySource::Kind::month:
        if (dated) v = start.substr(0, 7);
        break;
      case KeySource::Kind::instance_type:
        if (s.usage_type >= 0) {
          std::string_view ut = at(s.usage_type);
          auto colon = ut.find(':');
          if (colon != std::string_view::npos) v = non_empty(ut.substr(colon + 1));
        }
        break;
      case KeySource::Kind::resource:
        if (s.resource >= 0) v = non_empty(at(s.resource));
        break;
      case KeySource::Kind::column:
        v = non_empty(at(k.column));
        break;
      case KeySource::Kind::json_tag:
        v = json_values_[i];
        break;
      case KeySource::Kind::absent:
        break;
    }
    out.parts[i] = v;
    append_key_part(out.key, v);
  }
  if (s.currency >= 0) out.currency = at(s.currency);
}

Status CurAggregator::add_classified(const CurSchema& s, RowClass& c, NumberSource numbers, uint64_t line,
                                     const std::string& file, std::size_t file_index) {
  ++rows_;
  if (c.kind == RowClass::Kind::skipped) return Status::success();
  if (c.kind == RowClass::Kind::malformed) return malformed(file, file_index, line, c.reason);
  auto number = [&](int col) { return numbers.number(numbers.context, col); };
  RowTerms t;
  std::string reason;
  if (!row_terms(s, c, number, t, reason)) return malformed(file, file_index, line, std::move(reason));
  const double cost = t.cost;

  if (!c.currency.empty() && c.currency != currency_) {
    if (currency_.empty()) currency_ = std::string(c.currency);
    else if (warnings_.size() < 100) warnings_.insert("mixed currencies: " + currency_ + " and " + std::string(c.currency));
  }

  // Billing rows often come in runs of one group (one resource's hours):
  // the last group found is tried before the hash table.
  Acc* acc = c.acc;
  if (!acc) {
    acc = last_acc_;
    if (!acc || c.key != last_key_) {
      auto it = groups_.find(c.key);
      if (it == groups_.end()) {
        Acc fresh;
        for (const auto& p : c.parts) fresh.key.push_back(p ? std::optional<std::string>(std::string(*p)) : std::nullopt);
        it = groups_.emplace(c.key, std::move(fresh)).first;
      }
      acc = &it->second;  // stable: unordered_map never moves its elements
      last_acc_ = acc;
      last_key_ = c.key;
    }
    c.acc = acc;
  }
  acc->cost += cost;
  acc->items += 1;
  // Most rows are not eligible usage: a zero adds nothing, so it is not added.
  if (t.eligible != 0) acc->sp_eligible += t.eligible;
  if (t.covered != 0) acc->sp_covered += t.covered;
  if (!c.month.empty()) add_month(c.month, cost);
  if (t.has_spot) {
    acc->spot += t.spot;
    acc->has_spot = true;
  }
  return Status::success();
}

void CurAggregator::add_class(RowClass& c, const ClassSums& sums) {
  rows_ += sums.rows;
  if (sums.items == 0) return;
  if (!c.currency.empty() && c.currency != currency_) {
    if (currency_.empty()) currency_ = std::string(c.currency);
    else if (warnings_.size() < 100) warnings_.insert("mixed currencies: " + currency_ + " and " + std::string(c.currency));
  }
  Acc* acc = c.acc;
  if (!acc) {
    auto it = groups_.find(c.key);
    if (it == groups_.end()) {
      Acc fresh;
      for (const auto& p : c.parts) fresh.key.push_back(p ? std::optional<std::string>(std::string(*p)) : std::nullopt);
      it = groups_.emplace(c.key, std::move(fresh)).first;
    }
    acc = &it->second;
    c.acc = acc;
  }
  acc->cost += sums.cost;
  acc->items += sums.items;
  acc->sp_eligible += sums.eligible;
  acc->sp_covered += sums.covered;
  if (!c.month.empty()) add_month(c.month, sums.cost);
  if (sums.has_spot) {
    acc->spot += sums.spot;
    acc->has_spot = true;
  }
}

void CurAggregator::merge(CurAggregator&& o) {
  for (auto& [k, acc] : o.groups_) {
    auto it = groups_.find(k);
    if (it == groups_.end()) {
      groups_.emplace(k, std::move(acc));
      continue;
    }
    it->second.cost += acc.cost;
    it->second.items += acc.items;
    it->second.sp_eligible += acc.sp_eligible;
    it->second.sp_covered += acc.sp_covered;
    it->second.spot += acc.spot;
    it->second.has_spot = it->second.has_spot || acc.has_spot;
  }
  for (const auto& [m, c] : o.months_) add_month(m, c);
  rows_ += o.rows_;
  malformed_ += o.malformed_;
  for (auto& smp : o.samples_) samples_.push_back(std::move(smp));
  formats_.insert(o.formats_.begin(), o.formats_.end());
  if (currency_.empty()) currency_ = o.currency_;
  else if (!o.currency_.empty() && o.currency_ != currency_) warnings_.insert("mixed currencies: " + currency_ + " and " + o.currency_);
  warnings_.insert(o.warnings_.begin(), o.warnings_.end());
}

CostReport CurAggregator::finish(std::vector<std::string> files) && {
  CostReport r;
  if (!currency_.empty()) r.currency = currency_;
  if (formats_.size() == 1) r.source = to_string(*formats_.begin());
  else if (formats_.size() > 1) r.source = "mixed";
  r.measure = opts_.measure;
  r.group_by = opts_.group_by;
  r.rows_read = rows_;
  r.malformed_rows = malformed_;
  std::sort(samples_.begin(), samples_.end(), [](const Sample& a, const Sample& b) {
    return a.file_index != b.file_index ? a.file_index < b.file_index : a.row.line < b.row.line;
  });
  for (std::size_t i = 0; i < samples_.size() && i < opts_.max_malformed_samples; ++i) {
    r.malformed_samples.push_back(std::move(samples_[i].row));
  }
  std::vector<Acc*> accs;
  for (auto& [k, acc] : groups_) accs.push_back(&acc);
  std::sort(accs.begin(), accs.end(), [](const Acc* a, const Acc* b) {
    if (a->cost != b->cost) return a->cost > b->cost;
    return a->key < b->key;
  });
  ExactSum total;
  for (Acc* a : accs) {
    CostGroup g;
    for (std::size_t i = 0; i < r.group_by.size() && i < a->key.size(); ++i) g.key[r.group_by[i]] = a->key[i];
    g.cost = static_cast<double>(a->cost);
    g.items = a->items;
    if (a->has_spot) g.spot_savings = static_cast<double>(a->spot);
    if (static_cast<double>(a->sp_eligible) > 0) {
      g.sp_coverage = static_cast<double>(a->sp_covered) / static_cast<double>(a->sp_eligible);
    }
    total += a->cost;
    r.items += a->items;
    r.groups.push_back(std::move(g));
  }
  r.total = static_cast<double>(total);
  for (const auto& [m, c] : months_) r.by_month[m] += static_cast<double>(c);
  r.files = std::move(files);
  r.warnings.assign(warnings_.begin(), warnings_.end());
  return r;
}

}  // namespace sageguard::cost
