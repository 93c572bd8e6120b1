// Parquet billing exports into CurAggregator (see parquet_cur.h): the footer
// gives the columns, make_schema picks the ones the aggregation reads, and
// each row group's columns are decoded (text as dictionary ids, costs as
// doubles) and handed over row by row, classified once per distinct set of
// text cells: the same sums as the CSV reader's fields give.
#include "parquet_cur.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <charconv>
#include <cmath>
#include <cstring>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <utility>

#include "cost_number.h"
#include "parquet_column.h"
#include "util/cpus.h"

namespace sageguard::cost {
namespace {

using parquet::ColumnValues;
using parquet::FileMeta;
using parquet::Leaf;
using parquet::Logical;
using parquet::ParquetFile;
using parquet::PhysicalType;
using parquet::Repetition;

Error input(const std::string& file, const std::string& what) {
  return Error::at(ErrorCode::input, file, 0, 0, what);
}

// A top-level column: a leaf, or a group (MAP, LIST, struct) of leaves.
struct Field {
  std::string name;
  bool is_leaf = false;
  Logical logical = Logical::none;
  std::size_t first_leaf = 0, leaf_count = 0;
};

struct Layout {
  std::vector<Leaf> leaves;
  std::vector<Field> fields;
};

constexpr int kMaxDepth = 16;

// One schema element and its subtree: `def` is the definition level of its
// parent, `rep_def` the levels at which its repeated ancestors are defined.
Status visit(const FileMeta& m, std::size_t& i, int def, std::vector<int> rep_def, const std::string& prefix,
             int depth, Layout& out, const std::string& file) {
  if (i >= m.schema.size()) return input(file, "corrupt Parquet footer: the schema has fewer elements than declared");
  if (depth > kMaxDepth) {
    return input(file, "unsupported Parquet feature: column " + prefix + " nested deeper than " +
                           std::to_string(kMaxDepth) + " levels");
  }
  const parquet::SchemaElement& e = m.schema[i++];
  const std::string name = prefix.empty() ? e.name : prefix + "." + e.name;
  const int parent_def = def;
  if (e.repetition == Repetition::optional) ++def;
  if (e.repetition == Repetition::repeated) {
    ++def;
    rep_def.push_back(def);
  }
  if (e.num_children < 0 || static_cast<std::size_t>(e.num_children) > m.schema.size()) {
    return input(file, "corrupt Parquet footer: column " + name + " has a bad child count");
  }
  if (e.num_children == 0) {
    if (!e.type) return input(file, "corrupt Parquet footer: column " + name + " has neither a type nor children");
    Leaf l;
    l.name = name;
    l.type = *e.type;
    l.type_length = e.type_length;
    l.logical = e.logical;
    l.logical_name = e.logical_name;
    l.scale = e.scale;
    l.max_def = def;
    l.max_rep = static_cast<int>(rep_def.size());
    l.rep_def = std::move(rep_def);
    l.parent_def = parent_def;
    l.chunk = out.leaves.size();
    out.leaves.push_back(std::move(l));
    return Status::success();
  }
  for (int32_t c = 0; c < e.num_children; ++c) SG_TRY(visit(m, i, def, rep_def, name, depth + 1, out, file));
  return Status::success();
}

Result<Layout> layout_of(const FileMeta& m, const std::string& file) {
  Layout out;
  const parquet::SchemaElement& root = m.schema[0];
  if (root.num_children <= 0 || static_cast<std::size_t>(root.num_children) >= m.schema.size() + 1) {
    return input(file, "corrupt Parquet footer: bad root schema element");
  }
  std::size_t i = 1;
  for (int32_t c = 0; c < root.num_children; ++c) {
    if (i >= m.schema.size()) return input(file, "corrupt Parquet footer: the schema has fewer elements than declared");
    Field f;
    f.name = m.schema[i].name;
    f.is_leaf = m.schema[i].num_children == 0;
    f.logical = m.schema[i].logical;
    f.first_leaf = out.leaves.size();
    SG_TRY(visit(m, i, 0, {}, "", 1, out, file));
    f.leaf_count = out.leaves.size() - f.first_leaf;
    out.fields.push_back(std::move(f));
  }
  if (i != m.schema.size()) return input(file, "corrupt Parquet footer: schema elements left over");
  return out;
}

// How one needed top-level column is turned into a field's text.
struct Source {
  enum class Kind { flat, map } kind = Kind::flat;
  std::size_t key_leaf = 0, value_leaf = 0;  // flat: key_leaf is the leaf
};

bool is_text(const Leaf& l) { return l.type == PhysicalType::byte_array; }

std::string_view last_part(std::string_view dotted) { return dotted.substr(dotted.rfind('.') + 1); }
std::string_view parent_part(std::string_view dotted) {
  const auto dot = dotted.rfind('.');
  return dot == std::string_view::npos ? std::string_view() : dotted.substr(0, dot);
}

// The tags column as key/value pairs, when it is a MAP<string,string> (the
// key first) or a LIST of STRUCT<key: string, value: string> (by name): two
// text leaves side by side in one struct, under one level of repetition.
std::optional<Source> tag_pairs(const Layout& layout, const Field& fd) {
  if (fd.is_leaf || fd.leaf_count != 2) return std::nullopt;
  std::size_t k = fd.first_leaf, v = fd.first_leaf + 1;
  if (fd.logical == Logical::list) {
    if (last_part(layout.leaves[k].name) == "value") std::swap(k, v);
    if (last_part(layout.leaves[k].name) != "key" || last_part(layout.leaves[v].name) != "value") return std::nullopt;
  }
  const Leaf& kl = layout.leaves[k];
  const Leaf& vl = layout.leaves[v];
  if (kl.max_rep != 1 || vl.max_rep != 1 || !is_text(kl) || !is_text(vl) || kl.rep_def != vl.rep_def ||
      parent_part(kl.name) != parent_part(vl.name) || kl.parent_def != vl.parent_def) {
    return std::nullopt;
  }
  return Source{Source::Kind::map, k, v};
}

// Everything about one file that the row group workers share.
struct Plan {
  const ParquetFile* file;
  const FileMeta* meta;
  const Layout* layout;
  const CurSchema* schema;
  std::vector<std::optional<Source>> sources;  // per schema column; nullopt: not read
  // Per schema column: a DOUBLE leaf that the aggregation reads only as a
  // number, decoded as doubles and left out of the rows' classes.
  std::vector<uint8_t> as_number;
};

// A row group's rows, handed to the aggregator by class: rows whose text
// cells are equal (the same dictionary entries, the same tags) share one
// CurAggregator::classify(), and each row then adds its numbers.
class RowGroupReader {
 public:
  explicit RowGroupReader(const Plan& plan)
      : p_(plan), values_(plan.layout->leaves.size()), numbers_(plan.sources.size()), text_(plan.sources.size()) {}

  Status run(std::size_t g, CurAggregator& agg, std::size_t file_index, uint64_t first_row) {
    const parquet::RowGroup& rg = p_.meta->row_groups[g];
    const std::string& file = p_.file->name();
    if (rg.columns.size() != p_.layout->leaves.size()) {
      return input(file, "corrupt Parquet footer: row group " + std::to_string(g) + " has " +
                             std::to_string(rg.columns.size()) + " column chunks for " +
                             std::to_string(p_.layout->leaves.size()) + " columns");
    }
    const std::size_t rows = static_cast<std::size_t>(rg.num_rows);
    auto decode = [&](std::size_t leaf_index, bool as_number) -> Status {
      const Leaf& leaf = p_.layout->leaves[leaf_index];
      const parquet::ColumnChunk& c = rg.columns[leaf.chunk];
      std::string path;
      for (const auto& part : c.path) path += (path.empty() ? "" : ".") + part;
      if (path != leaf.name) {
        return input(file, "column " + leaf.name + ": corrupt Parquet footer: its column chunk is for '" + path + "'");
      }
      return parquet::read_column(*p_.file, c, leaf, values_[leaf_index], as_number);
    };
    const std::size_t ncols = p_.sources.size();
    for (std::size_t col = 0; col < ncols; ++col) {
      if (!p_.sources[col]) continue;
      const Source& s = *p_.sources[col];
      SG_TRY(decode(s.key_leaf, p_.as_number[col] != 0));
      if (s.kind == Source::Kind::map) SG_TRY(decode(s.value_leaf, false));
      const ColumnValues& kv = values_[s.key_leaf];
      const Leaf& leaf = p_.layout->leaves[s.key_leaf];
      if (s.kind == Source::Kind::flat && kv.entries != rows) {
        return input(file, "column " + leaf.name + ": corrupt Parquet file: " + std::to_string(kv.entries) +
                               " values in a row group of " + std::to_string(rows) + " rows");
      }
      if (s.kind == Source::Kind::map) {
        const ColumnValues& vv = values_[s.value_leaf];
        std::size_t starts = 0;
        for (uint16_t r : kv.rep) starts += r == 0;
        if (kv.entries != vv.entries || kv.rep != vv.rep || starts != rows) {
          return input(file, "column " + leaf.name + ": corrupt Parquet file: map keys and values do not line up with " +
                                 std::to_string(rows) + " rows");
        }
        // Above their shared struct, key and value are defined equally deep
        // (a null or empty map, a null entry): one nesting, two leaves.
        const int shared = leaf.parent_def;
        for (std::size_t e = 0; e < kv.entries; ++e) {
          if (std::min<int>(kv.def[e], shared) != std::min<int>(vv.def[e], shared)) {
            return input(file, "column " + leaf.name + ": corrupt Parquet file: entry " + std::to_string(e) +
                                   " of the keys and values is defined to different depths (" +
                                   std::to_string(kv.def[e]) + " and " + std::to_string(vv.def[e]) + ")");
          }
        }
      }
    }

    // Classes stay few when what classify() ignores is left out of the
    // signature: of a start timestamp all but its month (start_class; the
    // start column is never a group-by column, those are tag columns), and
    // tags whose key no group-by key reads.
    agg.begin_rows(*p_.schema);
    const int start_col = p_.schema->start;
    start_ids_.clear();
    if (start_col >= 0 && p_.sources[static_cast<std::size_t>(start_col)] &&
        p_.sources[static_cast<std::size_t>(start_col)]->kind == Source::Kind::flat &&
        !p_.as_number[static_cast<std::size_t>(start_col)]) {
      const ColumnValues& sv = values_[p_.sources[static_cast<std::size_t>(start_col)]->key_leaf];
      std::unordered_map<std::string, uint32_t> first;
      std::string projection;
      for (std::size_t i = 0; i < sv.table.size(); ++i) {
        agg.start_class(sv.table[i], projection);
        start_ids_.push_back(first.emplace(projection, static_cast<uint32_t>(i)).first->second);
      }
    }
    key_used_.clear();

    std::vector<std::string_view> fields(ncols);
    std::vector<std::size_t> value_at(ncols, 0), key_at(ncols, 0), entry_at(ncols, 0);
    CurAggregator::TagPairs tags;
    std::vector<std::pair<uint32_t, uint32_t>> pairs;  // the row's tags as (key id, value id + 1 or 0)
    std::vector<uint32_t> signature;  // the row's text cells as ids
    std::vector<std::size_t> active;
    for (std::size_t col = 0; col < ncols; ++col) {
      if (p_.sources[col]) active.push_back(col);
    }
    classes_.clear();
    index_.clear();
    Entry* last = nullptr;
    for (std::size_t r = 0; r < rows; ++r) {
      // The row's text cells as ids (0 for a null), and its numbers.
      signature.clear();
      bool have_tags = false;
      std::size_t tag_col = 0;
      pairs.clear();
      for (const std::size_t col : active) {
        const Source& s = *p_.sources[col];
        const ColumnValues& kv = values_[s.key_leaf];
        const Leaf& kl = p_.layout->leaves[s.key_leaf];
        if (s.kind == Source::Kind::flat) {
          const bool present = kl.max_def == 0 || kv.def[r] == kl.max_def;
          if (p_.as_number[col]) {
            numbers_[col] = present ? number(kv.numbers[value_at[col]++], col) : parquet_null();
            continue;
          }
          const uint32_t id = present ? kv.ids[value_at[col]++] + 1 : 0;
          signature.push_back(id && static_cast<int>(col) == start_col && !start_ids_.empty() ? start_ids_[id - 1] + 1 : id);
          fields[col] = id ? kv.table[id - 1] : std::string_view();
          continue;
        }
        // A MAP<string,string> or a LIST of key/value structs: its entries.
        const ColumnValues& vv = values_[s.value_leaf];
        const Leaf& vl = p_.layout->leaves[s.value_leaf];
        std::size_t& e = entry_at[col];
        std::size_t& vi = value_at[col];
        for (std::size_t start = e; e < kv.entries && (e == start || kv.rep[e] != 0); ++e) {
          const bool has_value = vv.def[e] == vl.max_def;
          if (kv.def[e] != kl.max_def) {  // a null or empty map, a null entry or key
            vi += has_value;              // (a value without a key is no tag)
            continue;
          }
          const uint32_t key = kv.ids[key_at[col]++];
          const uint32_t value = has_value ? vv.ids[vi++] + 1 : 0;
          if (key_used_.size() < kv.table.size()) key_used_.resize(kv.table.size(), -1);
          if (key_used_[key] < 0) key_used_[key] = agg.tag_key_used(*p_.schema, kv.table[key]) ? 1 : 0;
          if (key_used_[key]) pairs.emplace_back(key, value);
        }
        signature.push_back(static_cast<uint32_t>(pairs.size()));
        for (const auto& [k, v] : pairs) {
          signature.push_back(k);
          signature.push_back(v);
        }
        fields[col] = std::string_view();
        have_tags = true;
        tag_col = col;
      }
      const std::string_view sig(reinterpret_cast<const char*>(signature.data()), signature.size() * sizeof(uint32_t));
      Entry* cls = last;
      if (!cls || sig != cls->signature) {
        auto it = index_.find(sig);
        if (it != index_.end()) {
          cls = &classes_[it->second];
        } else {
          if (classes_.size() >= kMaxClasses) {  // every row its own (no dictionaries): bounded memory
            classes_.clear();
            index_.clear();
          }
          cls = &classes_.emplace_back();
          cls->signature.assign(sig);
          cls->fields = fields;
          if (have_tags) {
            const Source& s = *p_.sources[tag_col];
            const ColumnValues& kv = values_[s.key_leaf];
            const ColumnValues& vv = values_[s.value_leaf];
            tags.clear();
            for (const auto& [k, v] : pairs) {
              tags.emplace_back(kv.table[k], v ? std::optional<std::string_view>(vv.table[v - 1]) : std::nullopt);
            }
          }
          agg.classify(*p_.schema, cls->fields.data(), have_tags ? &tags : nullptr, cls->row_class);
          index_.emplace(cls->signature, static_cast<uint32_t>(classes_.size() - 1));
        }
        last = cls;
      }
      Row row{this, cls};
      SG_TRY(agg.add_classified(*p_.schema, cls->row_class, CurAggregator::NumberSource{&row, &Row::number},
                                first_row + r + 1, file, file_index));
      // Until a row of the class counts, its group's parts are views that
      // may not outlive the row (JSON tags): such a class is not kept.
      if (!cls->row_class.acc && cls->row_class.kind == CurAggregator::RowClass::Kind::counted) {
        index_.erase(cls->signature);
        last = nullptr;
      }
    }
    for (auto& v : values_) v.clear();
    return Status::success();
  }

 private:
  static constexpr std::size_t kMaxClasses = 4096;

  struct Entry {
    std::string signature;
    std::vector<std::string_view> fields;  // the text cells (views into values_)
    CurAggregator::RowClass row_class;
  };
  // What add_classified reads: the row's numbers, the class's text.
  struct Row {
    const RowGroupReader* self;
    const Entry* cls;
    static Number number(const void* context, int c) {
      const Row& row = *static_cast<const Row*>(context);
      const auto col = static_cast<std::size_t>(c);
      if (row.self->p_.as_number[col]) return row.self->numbers_[col];
      const std::string_view v = row.cls->fields[col];
      const std::optional<double> d = parse_cost(v);
      return d ? Number{true, *d, {}} : Number{false, 0, v};
    }
  };

  // A null cell reads as an empty CSV cell would: 0.
  static Number parquet_null() { return Number{true, 0.0, {}}; }
  // A double as parse_cost() reads its shortest text: itself when finite;
  // otherwise that text ("inf", "nan") is not a number.
  Number number(double v, std::size_t col) {
    if (std::isfinite(v)) return Number{true, v, {}};
    char* buf = text_[col].data();
    const auto r = std::to_chars(buf, buf + text_[col].size(), v);
    return Number{false, 0, std::string_view(buf, static_cast<std::size_t>(r.ptr - buf))};
  }

  const Plan& p_;
  std::vector<ColumnValues> values_;
  std::vector<Number> numbers_;                // per column: the row's number
  std::vector<std::array<char, 32>> text_;     // per column: a non-finite number's text
  std::deque<Entry> classes_;
  std::unordered_map<std::string_view, uint32_t> index_;  // keys: the entries' signatures
  std::vector<uint32_t> start_ids_;  // per start cell id: the first id alike (start_class)
  std::vector<int8_t> key_used_;     // per tag key id: tag_key_used, -1 not yet known
};

Status aggregate(const ParquetFile& f, std::size_t file_index, unsigned threads, const CurOptions& options,
                 CurAggregator& into) {
  const std::string& file = f.name();
  char head[4];
  if (f.size() < 12) return input(file, "corrupt Parquet file: " + std::to_string(f.size()) + " bytes is too short");
  SG_TRY(f.read(0, 4, head));
  if (std::memcmp(head, "PAR1", 4) != 0) return input(file, "not a Parquet file: wrong magic bytes at the start");
  char tail[8];
  SG_TRY(f.read(f.size() - 8, 8, tail));
  if (std::memcmp(tail + 4, "PARE", 4) == 0) return input(file, "unsupported Parquet feature: encrypted footer");
  if (std::memcmp(tail + 4, "PAR1", 4) != 0) {
    return input(file, "corrupt Parquet file: wrong magic bytes at the end (truncated file?)");
  }
  uint32_t footer_len;
  std::memcpy(&footer_len, tail, 4);
  if (footer_len == 0 || footer_len > f.size() - 12) {
    return input(file, "corrupt Parquet footer: length " + std::to_string(footer_len) + " does not fit in the file");
  }
  std::string footer(footer_len, '\0');
  SG_TRY(f.read(f.size() - 8 - footer_len, footer_len, footer.data()));
  SG_ASSIGN_OR_RETURN(FileMeta meta, parquet::parse_file_meta(footer, file));
  SG_ASSIGN_OR_RETURN(Layout layout, layout_of(meta, file));

  std::vector<std::string_view> header;
  for (const Field& fd : layout.fields) header.push_back(fd.name);
  SG_ASSIGN_OR_RETURN(CurSchema schema, into.begin_header(header, file, true));
  const std::vector<uint8_t> need = into.needed_columns(schema);

  const std::vector<uint8_t> numeric = into.number_columns(schema);
  Plan plan{&f, &meta, &layout, &schema, std::vector<std::optional<Source>>(header.size()),
            std::vector<uint8_t>(header.size(), 0)};
  for (std::size_t col = 0; col < header.size(); ++col) {
    if (!need[col]) continue;
    const Field& fd = layout.fields[col];
    if (fd.is_leaf) {
      const Leaf& l = layout.leaves[fd.first_leaf];
      if (l.max_rep != 0) {
        return input(file, "column " + fd.name + ": unsupported Parquet feature: a repeated value where one is expected");
      }
      plan.sources[col] = Source{Source::Kind::flat, fd.first_leaf, 0};
      plan.as_number[col] = numeric[col] && l.type == PhysicalType::float64 && l.logical == Logical::none;
      continue;
    }
    const bool tags = static_cast<int>(col) == schema.tags;
    if (tags) {
      plan.sources[col] = tag_pairs(layout, fd);
      if (plan.sources[col]) continue;
    }
    return input(file, "column " + fd.name + ": unsupported Parquet feature: " +
                           (tags ? std::string("tags that are neither a MAP<string,string> nor a LIST of "
                                               "STRUCT<key: string, value: string>")
                                 : std::string(fd.logical == Logical::list ? "a LIST" : "a nested group") +
                                       " where the aggregation needs one value"));
  }

  // Row groups are taken in turn by the threads; each is summed into its own
  // aggregator and merged in file order, so the sums do not depend on timing.
  const std::size_t groups = meta.row_groups.size();
  std::vector<uint64_t> first_row(groups, 0);
  for (std::size_t g = 1; g < groups; ++g) first_row[g] = first_row[g - 1] + static_cast<uint64_t>(meta.row_groups[g - 1].num_rows);
  std::vector<std::unique_ptr<CurAggregator>> done(groups);
  std::atomic<std::size_t> next{0};
  std::atomic<bool> failed{false};
  std::mutex mu;
  std::optional<std::pair<std::size_t, Error>> first_error;
  auto work = [&] {
    RowGroupReader reader(plan);
    for (;;) {
      if (failed.load()) return;
      const std::size_t g = next.fetch_add(1);
      if (g >= groups) return;
      auto agg = std::make_unique<CurAggregator>(options);
      Status st = reader.run(g, *agg, file_index, first_row[g]);
      std::lock_guard<std::mutex> lock(mu);
      if (!st.ok()) {
        if (!first_error || g < first_error->first) first_error.emplace(g, std::move(st).error());
        failed.store(true);
        return;
      }
      done[g] = std::move(agg);
    }
  };
  const std::size_t want = std::max<std::size_t>(1, std::min<std::size_t>(threads, groups));
  if (want == 1) work();
  else run_on_threads(want, work);
  if (first_error) return std::move(first_error->second);
  for (auto& a : done) {
    if (a) into.merge(std::move(*a));
  }
  return Status::success();
}

}  // namespace

bool is_parquet_file(const std::string& path) {
  // A .parquet name without the magic is still read as Parquet, so damage
  // is reported as such instead of as an unknown CSV header.
  if (path.size() >= 8 && path.compare(path.size() - 8, 8, ".parquet") == 0) return true;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  char head[4];
  const bool yes = ::pread(fd, head, 4, 0) == 4 && std::memcmp(head, "PAR1", 4) == 0;
  ::close(fd);
  return yes;
}

Status aggregate_parquet(const std::string& path, std::size_t file_index, unsigned threads, const CurOptions& options,
                         CurAggregator& into) {
  SG_ASSIGN_OR_RETURN(ParquetFile f, ParquetFile::open(path));
  return aggregate(f, file_index, threads, options, into);
}

Status aggregate_parquet_memory(std::string_view bytes, const std::string& name, unsigned threads,
                                const CurOptions& options, CurAggregator& into) {
  ParquetFile f = ParquetFile::memory(bytes, name);
  return aggregate(f, 0, threads, options, into);
}

}  // namespace sageguard::cost
