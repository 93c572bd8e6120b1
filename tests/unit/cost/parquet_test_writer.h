// A minimal Parquet writer for the reader's unit tests: one row group of
// flat columns (strings or doubles, required or optional, optionally inside
// an optional group) and MAP<string,string> columns, one v1 data page per
// leaf, PLAIN or dictionary (up to 65536 entries), any codec the reader
// supports, and knobs that corrupt one thing at a time (page size,
// dictionary index, definition or repetition level, stated uncompressed
// size).
// Real files from a real writer (DuckDB) are tested by the integration
// test; this one exists to make precise broken files. Test-only.
#pragma once

#include <snappy-c.h>
#include <zstd.h>

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cost_test_util.h"

namespace costtest {

class ThriftWriter {
 public:
  std::string out;
  void field(int16_t id, uint8_t type) {
    const int delta = id - last_;
    if (delta > 0 && delta <= 15) out.push_back(static_cast<char>((delta << 4) | type));
    else {
      out.push_back(static_cast<char>(type));
      varint(zigzag(id));
    }
    last_ = id;
  }
  void i32(int16_t id, int64_t v) { field(id, 5), varint(zigzag(v)); }
  void i64(int16_t id, int64_t v) { field(id, 6), varint(zigzag(v)); }
  void binary(int16_t id, const std::string& s) { field(id, 8), raw_binary(s); }
  void raw_binary(const std::string& s) { varint(s.size()), out += s; }
  void begin(int16_t id) { field(id, 12), push(); }
  void end() { out.push_back('\0'), pop(); }
  void list(int16_t id, uint8_t elem_type, std::size_t n) {
    field(id, 9);
    if (n < 15) out.push_back(static_cast<char>((n << 4) | elem_type));
    else {
      out.push_back(static_cast<char>(0xF0 | elem_type));
      varint(n);
    }
  }
  void elem_begin() { push(); }  // a struct inside a list
  void varint(uint64_t v) {
    while (v >= 0x80) {
      out.push_back(static_cast<char>((v & 0x7f) | 0x80));
      v >>= 7;
    }
    out.push_back(static_cast<char>(v));
  }
  static uint64_t zigzag(int64_t v) { return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63); }

 private:
  void push() {
    stack_.push_back(last_);
    last_ = 0;
  }
  void pop() {
    last_ = stack_.back();
    stack_.pop_back();
  }
  int16_t last_ = 0;
  std::vector<int16_t> stack_;
};

using MapRow = std::optional<std::vector<std::pair<std::string, std::optional<std::string>>>>;

struct TestColumn {
  std::string name;
  bool is_double = false;               // else a UTF8 string
  std::vector<std::optional<std::string>> values;  // doubles as text
  bool dictionary = false;
  bool in_group = false;  // inside an optional group of the same name + "_g" (max_def 2)
  // A MAP<string,string> instead (optional map, repeated key_value, required
  // key, optional value: leaves NAME.key_value.key and NAME.key_value.value):
  // per row a null map or its entries; `values` is unused.
  bool is_map = false;
  std::vector<MapRow> map_rows;
};

struct Corruption {
  int page_size_delta = 0;              // added to the first page's compressed size
  std::optional<uint32_t> dict_index;   // replaces the first dictionary index
  std::optional<uint32_t> def_level;    // replaces the first definition level
  int uncompressed_delta = 0;           // added to the stated uncompressed size
  // Replaces entry `first`'s repetition level with `second` (map leaves).
  std::optional<std::pair<std::size_t, uint32_t>> rep_level;
  std::string corrupt_column;           // the column (leaf path) these apply to
};

// codec: 0 none, 1 snappy, 2 gzip, 6 zstd.
inline std::string write_parquet(const std::vector<TestColumn>& cols, int codec = 0, const Corruption& bad = {}) {
  std::string file = "PAR1";
  std::size_t rows = cols.empty() ? 0 : cols[0].is_map ? cols[0].map_rows.size() : cols[0].values.size();
  struct Meta {
    int64_t offset, dict_offset, size;
  };
  std::vector<Meta> metas;
  auto compress = [&](const std::string& raw) {
    std::string out;
    if (codec == 0) return raw;
    if (codec == 1) {
      std::size_t n = snappy_max_compressed_length(raw.size());
      out.resize(n);
      snappy_compress(raw.data(), raw.size(), out.data(), &n);
      out.resize(n);
    } else if (codec == 2) {
      out = gzip(raw);
    } else {
      out.resize(ZSTD_compressBound(raw.size()));
      out.resize(ZSTD_compress(out.data(), out.size(), raw.data(), raw.size(), 1));
    }
    return out;
  };
  auto levels_rle = [](const std::vector<uint32_t>& lv) {
    // One RLE run per value: simple and valid (bit width <= 8).
    std::string s;
    for (uint32_t v : lv) {
      s.push_back(static_cast<char>(1 << 1));  // run of 1
      s.push_back(static_cast<char>(v));
    }
    std::string out(4, '\0');
    const uint32_t n = static_cast<uint32_t>(s.size());
    std::memcpy(out.data(), &n, 4);
    return out + s;
  };
  auto plain = [](const TestColumn& c, const std::string& v) {
    std::string out;
    if (c.is_double) {
      const double d = std::stod(v);
      out.assign(reinterpret_cast<const char*>(&d), 8);
    } else {
      const uint32_t n = static_cast<uint32_t>(v.size());
      out.assign(reinterpret_cast<const char*>(&n), 4);
      out += v;
    }
    return out;
  };
  // One leaf per flat column, two per map (key, value).
  struct LeafData {
    std::string path;                 // dotted
    std::vector<std::string> parts;   // the path in the footer
    TestColumn col;                   // type and dictionary flag
    std::vector<std::optional<std::string>> values;  // one per entry (nullopt: not defined to the leaf)
    std::vector<uint32_t> defs, reps;
    int max_def = 1;
    bool repeated = false;
  };
  std::vector<LeafData> leaves;
  for (const TestColumn& c : cols) {
    if (!c.is_map) {
      LeafData l{c.name, {}, c, c.values, {}, {}, c.in_group ? 2 : 1, false};
      l.parts = c.in_group ? std::vector<std::string>{c.name, c.name + "_v"} : std::vector<std::string>{c.name};
      for (const auto& v : c.values) l.defs.push_back(v ? static_cast<uint32_t>(l.max_def) : 0u);
      leaves.push_back(std::move(l));
      continue;
    }
    LeafData k{c.name + ".key_value.key", {c.name, "key_value", "key"}, c, {}, {}, {}, 2, true};
    LeafData v{c.name + ".key_value.value", {c.name, "key_value", "value"}, c, {}, {}, {}, 3, true};
    for (const MapRow& row : c.map_rows) {
      if (!row || row->empty()) {  // a null map (def 0) or an empty one (def 1)
        for (LeafData* l : {&k, &v}) {
          l->values.push_back(std::nullopt);
          l->defs.push_back(row ? 1u : 0u);
          l->reps.push_back(0);
        }
        continue;
      }
      for (std::size_t i = 0; i < row->size(); ++i) {
        const uint32_t rep = i == 0 ? 0u : 1u;
        k.values.push_back((*row)[i].first);
        k.defs.push_back(2);
        k.reps.push_back(rep);
        v.values.push_back((*row)[i].second);
        v.defs.push_back((*row)[i].second ? 3u : 2u);
        v.reps.push_back(rep);
      }
    }
    leaves.push_back(std::move(k));
    leaves.push_back(std::move(v));
  }
  for (LeafData& leaf : leaves) {
    const TestColumn& c = leaf.col;
    const bool corrupt = leaf.path == bad.corrupt_column;
    Meta m{static_cast<int64_t>(file.size()), 0, 0};
    std::vector<std::string> dict;
    std::vector<uint32_t> idx;
    std::vector<uint32_t>& defs = leaf.defs;
    std::string values;
    for (const auto& v : leaf.values) {
      if (!v) continue;
      if (c.dictionary) {
        std::size_t i = 0;
        while (i < dict.size() && dict[i] != *v) ++i;
        if (i == dict.size()) dict.push_back(*v);
        idx.push_back(static_cast<uint32_t>(i));
      } else {
        values += plain(c, *v);
      }
    }
    if (corrupt && bad.def_level && !defs.empty()) defs[0] = *bad.def_level;
    if (corrupt && bad.rep_level && bad.rep_level->first < leaf.reps.size()) {
      leaf.reps[bad.rep_level->first] = bad.rep_level->second;
    }
    auto page = [&](int type, const std::string& raw, auto&& sub) {
      std::string body = compress(raw);
      ThriftWriter w;
      w.i32(1, type);
      w.i32(2, static_cast<int64_t>(raw.size()) + (corrupt ? bad.uncompressed_delta : 0));
      w.i32(3, static_cast<int64_t>(body.size()) + (corrupt ? bad.page_size_delta : 0));
      sub(w);
      w.out.push_back('\0');
      file += w.out + body;
    };
    if (c.dictionary) {
      m.dict_offset = static_cast<int64_t>(file.size());
      std::string raw;
      for (const auto& d : dict) raw += plain(c, d);
      page(2, raw, [&](ThriftWriter& w) {
        w.begin(7);
        w.i32(1, static_cast<int64_t>(dict.size()));
        w.i32(2, 0);
        w.end();
      });
      if (corrupt && bad.dict_index && !idx.empty()) idx[0] = *bad.dict_index;
      // Bit width 8, or 16 past 256 entries; one RLE run per index, its
      // value in width / 8 bytes, little-endian.
      const bool wide = dict.size() > 256;
      values.push_back(static_cast<char>(wide ? 16 : 8));
      for (uint32_t i : idx) {
        values.push_back(static_cast<char>(1 << 1));
        values.push_back(static_cast<char>(i & 0xff));
        if (wide) values.push_back(static_cast<char>((i >> 8) & 0xff));
      }
    }
    const int64_t data_offset = static_cast<int64_t>(file.size());
    const std::string levels = (leaf.repeated ? levels_rle(leaf.reps) : std::string()) + levels_rle(defs);
    page(0, levels + values, [&](ThriftWriter& w) {
      w.begin(5);
      w.i32(1, static_cast<int64_t>(defs.size()));
      w.i32(2, c.dictionary ? 8 : 0);
      w.i32(3, 3);
      w.i32(4, 3);
      w.end();
    });
    m.size = static_cast<int64_t>(file.size()) - (c.dictionary ? m.dict_offset : data_offset);
    m.offset = data_offset;
    metas.push_back(m);
  }
  // Footer.
  ThriftWriter w;
  w.i32(1, 1);
  std::size_t elements = 1;
  for (const auto& c : cols) elements += c.is_map ? 4 : c.in_group ? 2 : 1;
  w.list(2, 12, elements);
  w.elem_begin();
  w.binary(4, "schema");
  w.i32(5, static_cast<int64_t>(cols.size()));
  w.end();
  for (const auto& c : cols) {
    if (c.is_map) {
      w.elem_begin();  // optional group NAME (MAP)
      w.i32(3, 1);
      w.binary(4, c.name);
      w.i32(5, 1);
      w.i32(6, 1);
      w.end();
      w.elem_begin();  // repeated group key_value
      w.i32(3, 2);
      w.binary(4, "key_value");
      w.i32(5, 2);
      w.end();
      for (const char* leaf : {"key", "value"}) {
        w.elem_begin();
        w.i32(1, 6);
        w.i32(3, std::string(leaf) == "key" ? 0 : 1);
        w.binary(4, leaf);
        w.i32(6, 0);  // UTF8
        w.end();
      }
      continue;
    }
    if (c.in_group) {
      w.elem_begin();
      w.i32(3, 1);
      w.binary(4, c.name);
      w.i32(5, 1);
      w.end();
    }
    w.elem_begin();
    w.i32(1, c.is_double ? 5 : 6);
    w.i32(3, 1);
    w.binary(4, c.in_group ? c.name + "_v" : c.name);
    if (!c.is_double) w.i32(6, 0);  // UTF8
    w.end();
  }
  w.i64(3, static_cast<int64_t>(rows));
  w.list(4, 12, 1);
  w.elem_begin();
  w.list(1, 12, leaves.size());
  for (std::size_t i = 0; i < leaves.size(); ++i) {
    const auto& c = leaves[i].col;
    w.elem_begin();
    w.i64(2, metas[i].offset);
    w.begin(3);
    w.i32(1, c.is_double ? 5 : 6);
    w.list(2, 5, 1);
    w.varint(ThriftWriter::zigzag(0));
    w.list(3, 8, leaves[i].parts.size());
    for (const auto& part : leaves[i].parts) w.raw_binary(part);
    w.i32(4, codec);
    w.i64(5, static_cast<int64_t>(leaves[i].defs.size()));
    w.i64(6, metas[i].size);
    w.i64(7, metas[i].size);
    w.i64(9, metas[i].offset);
    if (c.dictionary) w.i64(11, metas[i].dict_offset);
    w.end();
    w.end();
  }
  w.i64(2, 0);
  w.i64(3, static_cast<int64_t>(rows));
  w.end();
  w.out.push_back('\0');
  file += w.out;
  const uint32_t len = static_cast<uint32_t>(w.out.size());
  file.append(reinterpret_cast<const char*>(&len), 4);
  file += "PAR1";
  return file;
}

}  // namespace costtest
