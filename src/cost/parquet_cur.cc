// Parquet billing exports into CurAggregator (see parquet_cur.h): the footer
// gives the columns, make_schema picks the ones the aggregation reads, and
// each row group's columns are decoded (text as dictionary ids, costs as
// doubles); rows are classified once per distinct set of text cells, found
// column by column, and summed per class before the classes' sums go to the
// aggregator: the same sums as the CSV reader's fields give.
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

// Dense ids 0, 1, 2... for 64-bit keys, in the order first seen: keys of
// few bits index a table, others are hashed (open addressing). This runs
// once per row.
class KeyIds {
 public:
  // Forgets the keys; those to come are below 2^bits.
  void reset(int bits) {
    clear();
    direct_ = bits <= kDirectBits;
    if (direct_ && table_.size() < (std::size_t{1} << bits)) table_.resize(std::size_t{1} << bits, 0);
  }
  // The key's id; a new one, equal to size() before the call, when unseen.
  uint32_t id(uint64_t key) {
    if (direct_) {
      uint32_t& slot = table_[key];
      if (slot == 0) {
        slot = ++count_;
        touched_.push_back(key);
      }
      return slot - 1;
    }
    if ((static_cast<std::size_t>(count_) + 1) * 2 > slots_.size()) grow();
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t i = mix(key) & mask;; i = (i + 1) & mask) {
      Slot& sl = slots_[i];
      if (sl.id == 0) {
        sl.key = key;
        sl.id = ++count_;
        return count_ - 1;
      }
      if (sl.key == key) return sl.id - 1;
    }
  }
  uint32_t size() const { return count_; }
  // Forgets the keys (of the same width).
  void clear() {
    // A row group of distinct keys may have grown the table: it does not stay that large.
    if (slots_.size() > 4096) slots_.assign(64, Slot{});
    else std::fill(slots_.begin(), slots_.end(), Slot{});
    for (const uint64_t k : touched_) table_[k] = 0;
    touched_.clear();
    count_ = 0;
  }

 private:
  static constexpr int kDirectBits = 18;  // a table of 1 MiB
  struct Slot {
    uint64_t key = 0;
    uint32_t id = 0;  // the key's id + 1; 0: empty
  };
  static uint64_t mix(uint64_t k) {
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdULL;
    k ^= k >> 33;
    return k;
  }
  void grow() {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(std::max<std::size_t>(64, old.size() * 2), Slot{});
    const std::size_t mask = slots_.size() - 1;
    for (const Slot& sl : old) {
      if (sl.id == 0) continue;
      std::size_t i = mix(sl.key) & mask;
      while (slots_[i].id != 0) i = (i + 1) & mask;
      slots_[i] = sl;
    }
  }
  std::vector<Slot> slots_;
  bool direct_ = false;
  std::vector<uint32_t> table_;     // direct: the key's id + 1; 0 unseen
  std::vector<uint64_t> touched_;   // direct: the keys seen
  uint32_t count_ = 0;
};

// Bits needed for values 0..card-1.
int bits_for(uint64_t card) {
  int w = 0;
  while (w < 64 && (uint64_t{1} << w) < card) ++w;
  return w;
}

// A row group's rows, handed to the aggregator by class: rows whose text
// cells are equal (the same dictionary entries, the same tags) share one
// CurAggregator::classify(). Column by column, each row gets a 64-bit key
// packed from its cells' ids (re-numbered densely should the ids need more
// than 64 bits), the key gives the row's class, and each class sums its
// rows' numbers; the classes' sums go to the aggregator at the end.
class RowGroupReader {
 public:
  explicit RowGroupReader(const Plan& plan)
      : p_(plan), values_(plan.layout->leaves.size()), cells_(plan.sources.size()),
        numbers_at_(plan.sources.size(), nullptr), own_numbers_(plan.sources.size()), text_(plan.sources.size()) {}

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
      return parquet::read_column(*p_.file, c, leaf, values_[leaf_index], scratch_, as_number);
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

    agg.begin_rows(*p_.schema);
    keys_.assign(rows, 0);
    int bits = 0;
    // Appends one id per row (below `card`) to the rows' keys.
    auto pack = [&](const uint32_t* ids, uint64_t card) {
      const int w = bits_for(card);
      if (w == 0) return;
      if (bits + w > 64) {
        dense_.reset(64);
        for (uint64_t& k : keys_) k = dense_.id(k);
        bits = bits_for(dense_.size());
      }
      for (std::size_t r = 0; r < rows; ++r) keys_[r] = (keys_[r] << w) | ids[r];
      bits += w;
    };
    tag_col_ = -1;
    for (std::size_t col = 0; col < ncols; ++col) {
      if (!p_.sources[col] || p_.as_number[col]) continue;
      const Source& s = *p_.sources[col];
      if (s.kind == Source::Kind::map) {
        SG_TRY(tag_sets(col, rows, agg, file));
        pack(tag_set_.data(), tag_at_.size() + 1);
        tag_col_ = static_cast<int>(col);
        continue;
      }
      SG_TRY(cells(col, rows, file));
      const ColumnValues& kv = values_[s.key_leaf];
      const Cells& cell = cells_[col];
      // Without nulls the value ids are the cells' ids as they are.
      const uint64_t card = kv.table.size() + (cell.raw ? 0 : 1);
      if (static_cast<int>(col) == p_.schema->start) {
        // Of a start timestamp classify() reads only its month (start_class;
        // the start column is never a group-by column, those are tag
        // columns): cells alike share one id, numbered 1, 2... in the order
        // first seen.
        std::unordered_map<std::string, uint32_t> first;
        std::string projection;
        alike_.assign(1, 0);
        for (std::size_t i = 0; i < kv.table.size(); ++i) {
          agg.start_class(kv.table[i], projection);
          alike_.push_back(first.emplace(projection, static_cast<uint32_t>(first.size() + 1)).first->second);
        }
        ids_.resize(rows);
        const uint32_t* alike = alike_.data() + (cell.raw ? 1 : 0);
        for (std::size_t r = 0; r < rows; ++r) ids_[r] = alike[cell.ids[r]];
        pack(ids_.data(), first.size() + 1);
      } else {
        pack(cell.ids, card);
      }
    }
    for (std::size_t col = 0; col < ncols; ++col) {
      if (p_.sources[col] && p_.as_number[col]) SG_TRY(numbers(col, rows, file));
    }

    class_ids_.reset(bits);
    classes_.clear();
    uint64_t last_key = 0;
    Entry* cls = nullptr;
    std::string reason;
    CurAggregator::RowTerms terms;
    for (std::size_t r = 0; r < rows; ++r) {
      const uint64_t key = keys_[r];
      if (!cls || key != last_key) {
        const uint32_t known = class_ids_.size();
        uint32_t id = class_ids_.id(key);
        if (id == known) {
          if (known >= kMaxClasses) {  // every row its own (no dictionaries): bounded memory
            flush(agg);
            class_ids_.clear();
            id = class_ids_.id(key);
          }
          add_class(r, agg);
        }
        cls = &classes_[id];
        last_key = key;
      }
      CurAggregator::RowClass& rc = cls->row_class;
      if (rc.kind == CurAggregator::RowClass::Kind::skipped) {
        ++cls->sums.rows;
        continue;
      }
      const uint64_t line = first_row + r + 1;
      if (rc.kind == CurAggregator::RowClass::Kind::malformed) {
        SG_TRY(agg.add_malformed(file, file_index, line, rc.reason));
        continue;
      }
      const Entry& c = *cls;
      auto number = [&](int column) -> Number {
        const auto col = static_cast<std::size_t>(column);
        if (const double* at = numbers_at_[col]) return number_of(at[r], col);
        const std::string_view v = c.fields[col];
        const std::optional<double> d = parse_cost(v);
        return d ? Number{true, *d, {}} : Number{false, 0, v};
      };
      if (!CurAggregator::row_terms(*p_.schema, rc, number, terms, reason)) {
        SG_TRY(agg.add_malformed(file, file_index, line, std::move(reason)));
        continue;
      }
      if (cls->sums.items == 0) cls->first_counted = r;
      cls->sums.add(terms);
    }
    flush(agg);
    for (auto& v : values_) v.clear();
    return Status::success();
  }

 private:
  static constexpr uint32_t kMaxClasses = 4096;

  struct Entry {
    std::vector<std::string_view> fields;  // the text cells (views into values_)
    std::vector<std::optional<std::string>> parts;  // the group's parts, owned (JSON tags are views into the parser)
    CurAggregator::RowClass row_class;
    CurAggregator::ClassSums sums;
    std::size_t first_counted = 0;  // the row, once sums.items > 0
  };

  // Column col's cells as per-row ids: the value ids themselves when the
  // column has no null (raw), else 0 for a null and the value's id + 1.
  struct Cells {
    const uint32_t* ids = nullptr;
    bool raw = false;
    std::vector<uint32_t> own;  // when not raw
    std::string_view text(const ColumnValues& kv, std::size_t r) const {
      if (raw) return kv.table[ids[r]];
      return ids[r] ? kv.table[ids[r] - 1] : std::string_view();
    }
  };
  Status cells(std::size_t col, std::size_t rows, const std::string& file) {
    const Source& s = *p_.sources[col];
    const ColumnValues& kv = values_[s.key_leaf];
    const Leaf& kl = p_.layout->leaves[s.key_leaf];
    Cells& cell = cells_[col];
    if (kv.ids.size() != kv.present) {
      return input(file, "column " + kl.name + ": corrupt Parquet file: " + std::to_string(kv.ids.size()) +
                             " values for " + std::to_string(kv.present) + " non-null entries");
    }
    cell.raw = kv.present == rows;
    if (cell.raw) {
      cell.ids = kv.ids.data();
      return Status::success();
    }
    cell.own.resize(rows);
    std::size_t vi = 0;
    for (std::size_t r = 0; r < rows; ++r) cell.own[r] = kv.def[r] == kl.max_def ? kv.ids[vi++] + 1 : 0;
    cell.ids = cell.own.data();
    return Status::success();
  }

  // Column col's numbers, one per row (a null as 0, as an empty CSV cell
  // reads), in numbers_at_[col].
  Status numbers(std::size_t col, std::size_t rows, const std::string& file) {
    const Source& s = *p_.sources[col];
    const ColumnValues& kv = values_[s.key_leaf];
    const Leaf& kl = p_.layout->leaves[s.key_leaf];
    if (kv.numbers.size() != kv.present) {
      return input(file, "column " + kl.name + ": corrupt Parquet file: " + std::to_string(kv.numbers.size()) +
                             " values for " + std::to_string(kv.present) + " non-null entries");
    }
    if (kv.present == rows) {
      numbers_at_[col] = kv.numbers.data();
      return Status::success();
    }
    std::vector<double>& own = own_numbers_[col];
    own.resize(rows);
    std::size_t vi = 0;
    for (std::size_t r = 0; r < rows; ++r) own[r] = kv.def[r] == kl.max_def ? kv.numbers[vi++] : 0.0;
    numbers_at_[col] = own.data();
    return Status::success();
  }

  // The tags of each row (a MAP or a LIST of key/value structs) as an id of
  // its set of (key, value) pairs, only keys a group-by key reads: 0 for
  // none, the sets in tag_pairs_ from tag_at_[id - 1].
  Status tag_sets(std::size_t col, std::size_t rows, CurAggregator& agg, const std::string& file) {
    const Source& s = *p_.sources[col];
    const ColumnValues& kv = values_[s.key_leaf];
    const ColumnValues& vv = values_[s.value_leaf];
    const Leaf& kl = p_.layout->leaves[s.key_leaf];
    const Leaf& vl = p_.layout->leaves[s.value_leaf];
    if (kv.ids.size() != kv.present || vv.ids.size() != vv.present) {
      return input(file, "column " + kl.name + ": corrupt Parquet file: map keys or values do not match their entries");
    }
    key_used_.resize(kv.table.size());
    for (std::size_t k = 0; k < kv.table.size(); ++k) key_used_[k] = agg.tag_key_used(*p_.schema, kv.table[k]) ? 1 : 0;
    tag_set_.resize(rows);
    tag_at_.clear();
    tag_pairs_.clear();
    sets_.clear();
    // A set of one pair (the usual: one group-by tag) is found by index.
    const std::size_t value_card = vv.table.size() + 1;
    const bool by_index = kv.table.size() <= (std::size_t{1} << 16) / value_card;
    single_.assign(by_index ? kv.table.size() * value_card : 0, 0);
    // The row's pairs (key id, value id + 1 or 0): the first in `one`, all
    // of them in `pairs` once there is a second.
    std::vector<uint32_t> pairs;
    std::size_t e = 0, ki = 0, vi = 0;
    const uint16_t key_def = static_cast<uint16_t>(kl.max_def), value_def = static_cast<uint16_t>(vl.max_def);
    for (std::size_t r = 0; r < rows; ++r) {
      std::size_t used = 0;
      uint32_t one[2] = {0, 0};
      for (const std::size_t start = e; e < kv.entries && (e == start || kv.rep[e] != 0); ++e) {
        const bool has_value = vv.def[e] == value_def;
        if (kv.def[e] != key_def) {  // a null or empty map, a null entry or key
          vi += has_value;           // (a value without a key is no tag)
          continue;
        }
        const uint32_t key = kv.ids[ki++];
        const uint32_t value = has_value ? vv.ids[vi++] + 1 : 0;
        if (!key_used_[key]) continue;
        if (used == 0) {
          one[0] = key;
          one[1] = value;
        } else {
          if (used == 1) pairs.assign(one, one + 2);
          pairs.push_back(key);
          pairs.push_back(value);
        }
        ++used;
      }
      uint32_t id = 0;
      if (used == 1 && by_index) {
        uint32_t& slot = single_[one[0] * value_card + one[1]];
        if (slot == 0) slot = new_set(one, one + 2);
        id = slot;
      } else if (used > 0) {
        const uint32_t* from = used == 1 ? one : pairs.data();
        const uint32_t* to = from + 2 * used;
        const std::string bytes(reinterpret_cast<const char*>(from), 2 * used * sizeof(uint32_t));
        auto it = sets_.find(bytes);
        if (it == sets_.end()) it = sets_.emplace(bytes, new_set(from, to)).first;
        id = it->second;
      }
      tag_set_[r] = id;
    }
    return Status::success();
  }
  uint32_t new_set(const uint32_t* from, const uint32_t* to) {
    tag_at_.push_back(static_cast<uint32_t>(tag_pairs_.size()));
    tag_pairs_.insert(tag_pairs_.end(), from, to);
    return static_cast<uint32_t>(tag_at_.size());
  }

  // A new class from row r's cells.
  void add_class(std::size_t r, CurAggregator& agg) {
    Entry& cls = classes_.emplace_back();
    const std::size_t ncols = p_.sources.size();
    cls.fields.assign(ncols, std::string_view());
    for (std::size_t col = 0; col < ncols; ++col) {
      if (!p_.sources[col] || p_.as_number[col] || p_.sources[col]->kind != Source::Kind::flat) continue;
      cls.fields[col] = cells_[col].text(values_[p_.sources[col]->key_leaf], r);
    }
    CurAggregator::TagPairs tags;
    if (tag_col_ >= 0) {
      const Source& s = *p_.sources[static_cast<std::size_t>(tag_col_)];
      const ColumnValues& kv = values_[s.key_leaf];
      const ColumnValues& vv = values_[s.value_leaf];
      if (const uint32_t set = tag_set_[r]) {
        const std::size_t from = tag_at_[set - 1];
        const std::size_t to = set < tag_at_.size() ? tag_at_[set] : tag_pairs_.size();
        for (std::size_t i = from; i < to; i += 2) {
          const uint32_t v = tag_pairs_[i + 1];
          tags.emplace_back(kv.table[tag_pairs_[i]],
                            v ? std::optional<std::string_view>(vv.table[v - 1]) : std::nullopt);
        }
      }
    }
    agg.classify(*p_.schema, cls.fields.data(), tag_col_ >= 0 ? &tags : nullptr, cls.row_class);
    // The group's parts may be views into the JSON parser, which the next
    // classify() reuses: the class keeps its own copies.
    CurAggregator::RowClass& rc = cls.row_class;
    cls.parts.resize(rc.parts.size());
    for (std::size_t i = 0; i < rc.parts.size(); ++i) {
      if (rc.parts[i]) {
        cls.parts[i] = std::string(*rc.parts[i]);
        rc.parts[i] = *cls.parts[i];
      } else {
        cls.parts[i].reset();
      }
    }
  }

  // The classes' sums to the aggregator, in the order of their first
  // counted rows (the report's currency is the first counted row's).
  void flush(CurAggregator& agg) {
    order_.clear();
    for (std::size_t i = 0; i < classes_.size(); ++i) order_.push_back(i);
    std::sort(order_.begin(), order_.end(), [&](std::size_t a, std::size_t b) {
      const Entry& x = classes_[a];
      const Entry& y = classes_[b];
      const bool xc = x.sums.items > 0, yc = y.sums.items > 0;
      if (xc != yc) return xc;
      return xc ? x.first_counted < y.first_counted : a < b;
    });
    for (const std::size_t i : order_) agg.add_class(classes_[i].row_class, classes_[i].sums);
    classes_.clear();
  }

  // A double as parse_cost() reads its shortest text: itself when finite;
  // otherwise that text ("inf", "nan") is not a number.
  Number number_of(double v, std::size_t col) const {
    if (std::isfinite(v)) return Number{true, v, {}};
    char* buf = text_[col].data();
    const auto r = std::to_chars(buf, buf + text_[col].size(), v);
    return Number{false, 0, std::string_view(buf, static_cast<std::size_t>(r.ptr - buf))};
  }

  const Plan& p_;
  std::vector<ColumnValues> values_;
  parquet::ColumnScratch scratch_;
  std::vector<Cells> cells_;                       // per text column
  std::vector<const double*> numbers_at_;          // per DOUBLE column read as numbers: per row
  std::vector<std::vector<double>> own_numbers_;   // ...when it has nulls
  mutable std::vector<std::array<char, 32>> text_;  // per column: a non-finite number's text
  std::vector<uint64_t> keys_;                     // per row: its cells' ids packed
  std::vector<uint32_t> ids_, alike_;              // scratch: the start column's ids
  KeyIds dense_, class_ids_;
  int tag_col_ = -1;
  std::vector<uint32_t> tag_set_;    // per row: its tag set, 0 for none
  std::vector<uint32_t> tag_at_;     // per tag set (id - 1): where its pairs start in tag_pairs_
  std::vector<uint32_t> tag_pairs_;  // the sets' (key id, value id + 1 or 0) pairs
  std::vector<uint32_t> single_;     // one-pair sets by key id * (values + 1) + value: id, 0 unseen
  std::unordered_map<std::string, uint32_t> sets_;  // other sets by their pairs' bytes
  std::vector<uint8_t> key_used_;    // per tag key id: tag_key_used
  std::deque<Entry> classes_;
  std::vector<std::size_t> order_;
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
