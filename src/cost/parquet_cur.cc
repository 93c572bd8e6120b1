// Parquet billing exports into CurAggregator (see parquet_cur.h): the footer
// gives the columns, make_schema picks the ones the aggregation reads, and
// each row group's columns are decoded to text and handed over row by row,
// exactly as the CSV reader hands over its fields.
#include "parquet_cur.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <memory>
#include <mutex>
#include <optional>

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

Status visit(const FileMeta& m, std::size_t& i, int def, int rep, const std::string& prefix, int depth,
             Layout& out, const std::string& file) {
  if (i >= m.schema.size()) return input(file, "corrupt Parquet footer: the schema has fewer elements than declared");
  if (depth > kMaxDepth) {
    return input(file, "unsupported Parquet feature: column " + prefix + " nested deeper than " +
                           std::to_string(kMaxDepth) + " levels");
  }
  const parquet::SchemaElement& e = m.schema[i++];
  const std::string name = prefix.empty() ? e.name : prefix + "." + e.name;
  if (e.repetition == Repetition::optional) ++def;
  if (e.repetition == Repetition::repeated) {
    ++def;
    ++rep;
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
    l.max_rep = rep;
    l.chunk = out.leaves.size();
    out.leaves.push_back(std::move(l));
    return Status::success();
  }
  for (int32_t c = 0; c < e.num_children; ++c) SG_TRY(visit(m, i, def, rep, name, depth + 1, out, file));
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
    SG_TRY(visit(m, i, 0, 0, "", 1, out, file));
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

// Everything about one file that the row group workers share.
struct Plan {
  const ParquetFile* file;
  const FileMeta* meta;
  const Layout* layout;
  const CurSchema* schema;
  std::vector<std::optional<Source>> sources;  // per schema column; nullopt: not read
};

// The text of each needed column, row by row, for one row group.
class RowGroupReader {
 public:
  explicit RowGroupReader(const Plan& plan) : p_(plan), values_(plan.layout->leaves.size()) {}

  Status run(std::size_t g, CurAggregator& agg, std::size_t file_index, uint64_t first_row) {
    const parquet::RowGroup& rg = p_.meta->row_groups[g];
    const std::string& file = p_.file->name();
    if (rg.columns.size() != p_.layout->leaves.size()) {
      return input(file, "corrupt Parquet footer: row group " + std::to_string(g) + " has " +
                             std::to_string(rg.columns.size()) + " column chunks for " +
                             std::to_string(p_.layout->leaves.size()) + " columns");
    }
    const std::size_t rows = static_cast<std::size_t>(rg.num_rows);
    auto decode = [&](std::size_t leaf_index) -> Status {
      const Leaf& leaf = p_.layout->leaves[leaf_index];
      const parquet::ColumnChunk& c = rg.columns[leaf.chunk];
      std::string path;
      for (const auto& part : c.path) path += (path.empty() ? "" : ".") + part;
      if (path != leaf.name) {
        return input(file, "column " + leaf.name + ": corrupt Parquet footer: its column chunk is for '" + path + "'");
      }
      return parquet::read_column(*p_.file, c, leaf, values_[leaf_index]);
    };
    const std::size_t ncols = p_.sources.size();
    cursor_.assign(ncols, 0);
    for (std::size_t col = 0; col < ncols; ++col) {
      if (!p_.sources[col]) continue;
      const Source& s = *p_.sources[col];
      SG_TRY(decode(s.key_leaf));
      if (s.kind == Source::Kind::map) SG_TRY(decode(s.value_leaf));
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
      }
    }

    std::vector<std::string_view> fields(ncols);
    std::vector<std::size_t> value_at(ncols, 0), key_at(ncols, 0);
    CurAggregator::TagPairs tags;
    agg.begin_rows(*p_.schema);
    for (std::size_t r = 0; r < rows; ++r) {
      bool have_tags = false;
      for (std::size_t col = 0; col < ncols; ++col) {
        if (!p_.sources[col]) continue;
        const Source& s = *p_.sources[col];
        const ColumnValues& kv = values_[s.key_leaf];
        const Leaf& kl = p_.layout->leaves[s.key_leaf];
        if (s.kind == Source::Kind::flat) {
          const bool present = kl.max_def == 0 || kv.def[r] == kl.max_def;
          fields[col] = present ? kv.values[value_at[col]++] : std::string_view();
          continue;
        }
        // A MAP<string,string>: its entries, as pairs (the JSON a CSV holds).
        const ColumnValues& vv = values_[s.value_leaf];
        const Leaf& vl = p_.layout->leaves[s.value_leaf];
        std::size_t& e = cursor_[col];
        std::size_t& vi = value_at[col];
        tags.clear();
        for (std::size_t start = e; e < kv.entries && (e == start || kv.rep[e] != 0); ++e) {
          if (kv.def[e] != kl.max_def) continue;  // a null or empty map
          const std::string_view key = kv.values[key_at[col]++];
          if (vv.def[e] == vl.max_def) tags.emplace_back(key, vv.values[vi++]);
          else tags.emplace_back(key, std::nullopt);
        }
        fields[col] = std::string_view();
        have_tags = true;
      }
      SG_TRY(agg.add_fields(*p_.schema, fields.data(), first_row + r + 1, file, file_index, have_tags ? &tags : nullptr));
    }
    for (auto& v : values_) v.clear();
    return Status::success();
  }

 private:
  const Plan& p_;
  std::vector<ColumnValues> values_;
  std::vector<std::size_t> cursor_;
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

  Plan plan{&f, &meta, &layout, &schema, std::vector<std::optional<Source>>(header.size())};
  for (std::size_t col = 0; col < header.size(); ++col) {
    if (!need[col]) continue;
    const Field& fd = layout.fields[col];
    if (fd.is_leaf) {
      const Leaf& l = layout.leaves[fd.first_leaf];
      if (l.max_rep != 0) {
        return input(file, "column " + fd.name + ": unsupported Parquet feature: a repeated value where one is expected");
      }
      plan.sources[col] = Source{Source::Kind::flat, fd.first_leaf, 0};
      continue;
    }
    const bool tags = static_cast<int>(col) == schema.tags;
    if (tags && fd.leaf_count == 2) {
      const Leaf& k = layout.leaves[fd.first_leaf];
      const Leaf& v = layout.leaves[fd.first_leaf + 1];
      if (k.max_rep == 1 && v.max_rep == 1 && is_text(k) && is_text(v) && v.max_def >= k.max_def) {
        plan.sources[col] = Source{Source::Kind::map, fd.first_leaf, fd.first_leaf + 1};
        continue;
      }
    }
    return input(file, "column " + fd.name + ": unsupported Parquet feature: " +
                           (tags ? std::string("tags that are not a MAP<string,string>")
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
