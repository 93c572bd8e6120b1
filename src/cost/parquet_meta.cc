// Parquet footer and page header decoding (field ids from parquet.thrift).
#include "parquet_meta.h"

#include "thrift_compact.h"

namespace sageguard::cost::parquet {
namespace {

using T = ThriftReader;

Error bad(const std::string& file, const std::string& what) {
  return Error::at(ErrorCode::input, file, 0, 0, what);
}

// A Thrift list of structs into `out`, one read_one(r, element) each. On a
// bad list header the reader holds the error (the caller checks it once).
template <class Elem, class ReadOne>
void read_struct_list(T& r, std::vector<Elem>& out, ReadOne read_one) {
  uint8_t elem_type;
  uint32_t n;
  if (!r.read_list(elem_type, n)) return;
  out.resize(n);
  for (uint32_t i = 0; i < n && r.ok(); ++i) read_one(r, out[i]);
}

// LogicalType is a union of structs; only the member id and a few fields matter.
void read_logical_type(T& r, SchemaElement& e) {
  r.begin_struct();
  int16_t id;
  uint8_t t;
  while (r.next_field(id, t)) {
    if (t != T::kStruct) {
      r.skip(t);
      continue;
    }
    switch (id) {
      case 1: e.logical = Logical::string; r.skip(t); break;
      case 2: e.logical = Logical::map; r.skip(t); break;
      case 3: e.logical = Logical::list; r.skip(t); break;
      case 4: e.logical = Logical::string; e.logical_name = "ENUM"; r.skip(t); break;  // ENUM: text
      case 5: {  // DECIMAL {1: scale, 2: precision}
        e.logical = Logical::decimal;
        r.begin_struct();
        int16_t fid;
        uint8_t ft;
        while (r.next_field(fid, ft)) {
          if (fid == 1 && ft == T::kI32) e.scale = r.read_i32();
          else if (fid == 2 && ft == T::kI32) e.precision = r.read_i32();
          else r.skip(ft);
        }
        r.end_struct();
        break;
      }
      case 6: e.logical = Logical::date; r.skip(t); break;
      case 8: {  // TIMESTAMP {1: isAdjustedToUTC, 2: unit {1 MILLIS, 2 MICROS, 3 NANOS}}
        e.logical = Logical::timestamp_micros;
        r.begin_struct();
        int16_t fid;
        uint8_t ft;
        while (r.next_field(fid, ft)) {
          if (fid == 2 && ft == T::kStruct) {
            r.begin_struct();
            int16_t uid;
            uint8_t ut;
            while (r.next_field(uid, ut)) {
              if (uid == 1) e.logical = Logical::timestamp_millis;
              else if (uid == 2) e.logical = Logical::timestamp_micros;
              else if (uid == 3) e.logical = Logical::timestamp_nanos;
              r.skip(ut);
            }
            r.end_struct();
          } else {
            r.skip(ft);
          }
        }
        r.end_struct();
        break;
      }
      case 10:  // INTEGER: shown as the integer it is
        e.logical = Logical::none;
        r.skip(t);
        break;
      case 12: e.logical = Logical::string; e.logical_name = "JSON"; r.skip(t); break;
      default:
        e.logical = Logical::other;
        e.logical_name = "logical type #" + std::to_string(id);
        r.skip(t);
    }
  }
  r.end_struct();
}

void apply_converted_type(int32_t ct, SchemaElement& e) {
  if (e.logical != Logical::none) return;  // LogicalType wins when both are set
  switch (ct) {
    case 0: case 4: case 19: e.logical = Logical::string; break;  // UTF8, ENUM, JSON
    case 1: case 2: e.logical = Logical::map; break;               // MAP, MAP_KEY_VALUE
    case 3: e.logical = Logical::list; break;
    case 5: e.logical = Logical::decimal; break;
    case 6: e.logical = Logical::date; break;
    case 9: e.logical = Logical::timestamp_millis; break;
    case 10: e.logical = Logical::timestamp_micros; break;
    case 11: case 12: case 13: case 14: case 15: case 16: case 17: case 18: break;  // [U]INT_n
    default:
      e.logical = Logical::other;
      e.logical_name = "converted type #" + std::to_string(ct);
  }
}

void read_schema_element(T& r, SchemaElement& e) {
  r.begin_struct();
  int16_t id;
  uint8_t t;
  std::optional<int32_t> converted;
  while (r.next_field(id, t)) {
    switch (id) {
      case 1: {
        const int32_t v = r.read_i32();
        if (v < 0 || v > 7) r.fail("unknown physical type " + std::to_string(v));
        e.type = static_cast<PhysicalType>(v);
        break;
      }
      case 2: e.type_length = r.read_i32(); break;
      case 3: {
        const int32_t v = r.read_i32();
        if (v < 0 || v > 2) r.fail("unknown repetition type " + std::to_string(v));
        e.repetition = static_cast<Repetition>(v);
        e.has_repetition = true;
        break;
      }
      case 4: e.name = std::string(r.read_binary()); break;
      case 5: e.num_children = r.read_i32(); break;
      case 6: converted = r.read_i32(); break;
      case 7: e.scale = r.read_i32(); break;
      case 8: e.precision = r.read_i32(); break;
      case 10:
        if (t == T::kStruct) read_logical_type(r, e);
        else r.skip(t);
        break;
      default: r.skip(t);
    }
  }
  r.end_struct();
  if (converted) apply_converted_type(*converted, e);
}

void read_column_meta(T& r, ColumnChunk& c) {
  r.begin_struct();
  int16_t id;
  uint8_t t;
  while (r.next_field(id, t)) {
    switch (id) {
      case 1: {
        const int32_t v = r.read_i32();
        if (v < 0 || v > 7) r.fail("unknown physical type " + std::to_string(v));
        c.type = static_cast<PhysicalType>(v);
        break;
      }
      case 3: {
        uint8_t et;
        uint32_t n;
        if (!r.read_list(et, n)) break;
        for (uint32_t i = 0; i < n && r.ok(); ++i) c.path.emplace_back(r.read_binary());
        break;
      }
      case 4: {
        const int32_t v = r.read_i32();
        if (v < 0 || v > 7) r.fail("unknown compression codec " + std::to_string(v));
        c.codec = static_cast<Codec>(v);
        break;
      }
      case 5: c.num_values = r.read_i64(); break;
      case 7: c.total_compressed_size = r.read_i64(); break;
      case 9: c.data_page_offset = r.read_i64(); break;
      case 11: c.dictionary_page_offset = r.read_i64(); break;
      default: r.skip(t);
    }
  }
  r.end_struct();
}

void read_column_chunk(T& r, ColumnChunk& c) {
  r.begin_struct();
  int16_t id;
  uint8_t t;
  while (r.next_field(id, t)) {
    if (id == 1) {
      r.read_binary();
      c.external = true;
    } else if (id == 3 && t == T::kStruct) {
      read_column_meta(r, c);
    } else if (id == 8 || id == 9) {
      c.encrypted = true;
      r.skip(t);
    } else {
      r.skip(t);
    }
  }
  r.end_struct();
}

void read_row_group(T& r, RowGroup& g) {
  r.begin_struct();
  int16_t id;
  uint8_t t;
  while (r.next_field(id, t)) {
    if (id == 1 && t == T::kList) {
      read_struct_list(r, g.columns, read_column_chunk);
    } else if (id == 3) {
      g.num_rows = r.read_i64();
    } else {
      r.skip(t);
    }
  }
  r.end_struct();
}

}  // namespace

const char* to_string(PhysicalType t) {
  static const char* const kNames[] = {"BOOLEAN", "INT32", "INT64", "INT96", "FLOAT", "DOUBLE", "BYTE_ARRAY",
                                       "FIXED_LEN_BYTE_ARRAY"};
  return kNames[static_cast<int>(t)];
}

const char* to_string(Codec c) {
  static const char* const kNames[] = {"UNCOMPRESSED", "SNAPPY", "GZIP", "LZO", "BROTLI", "LZ4", "ZSTD", "LZ4_RAW"};
  return kNames[static_cast<int>(c)];
}

const char* to_string(Encoding e) {
  switch (e) {
    case Encoding::plain: return "PLAIN";
    case Encoding::plain_dictionary: return "PLAIN_DICTIONARY";
    case Encoding::rle: return "RLE";
    case Encoding::bit_packed: return "BIT_PACKED";
    case Encoding::delta_binary_packed: return "DELTA_BINARY_PACKED";
    case Encoding::delta_length_byte_array: return "DELTA_LENGTH_BYTE_ARRAY";
    case Encoding::delta_byte_array: return "DELTA_BYTE_ARRAY";
    case Encoding::rle_dictionary: return "RLE_DICTIONARY";
    case Encoding::byte_stream_split: return "BYTE_STREAM_SPLIT";
  }
  return "unknown";
}

Result<FileMeta> parse_file_meta(std::string_view bytes, const std::string& file) {
  T r(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  FileMeta m;
  r.begin_struct();
  int16_t id;
  uint8_t t;
  while (r.next_field(id, t)) {
    if (id == 2 && t == T::kList) {
      read_struct_list(r, m.schema, read_schema_element);
    } else if (id == 3) {
      m.num_rows = r.read_i64();
    } else if (id == 4 && t == T::kList) {
      read_struct_list(r, m.row_groups, read_row_group);
    } else if (id == 8 || id == 9) {
      return bad(file, "unsupported Parquet feature: encrypted file (footer field " + std::to_string(id) + ")");
    } else {
      r.skip(t);
    }
  }
  r.end_struct();
  if (!r.ok()) return bad(file, "corrupt Parquet footer: " + r.error());
  if (m.schema.empty()) return bad(file, "corrupt Parquet footer: no schema");
  if (m.num_rows < 0) return bad(file, "corrupt Parquet footer: negative row count");
  for (const RowGroup& g : m.row_groups) {
    if (g.num_rows < 0) return bad(file, "corrupt Parquet footer: negative row group size");
  }
  return m;
}

Result<PageHeader> parse_page_header(std::string_view bytes, const std::string& file, const std::string& column) {
  T r(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  PageHeader h;
  bool have_type = false, have_sizes = false;
  auto encoding = [&](int32_t v) {
    if (v < 0 || v > 9 || v == 1) r.fail("unknown encoding " + std::to_string(v));
    return static_cast<Encoding>(v);
  };
  r.begin_struct();
  int16_t id;
  uint8_t t;
  while (r.next_field(id, t)) {
    switch (id) {
      case 1: {
        const int32_t v = r.read_i32();
        if (v < 0 || v > 3) r.fail("unknown page type " + std::to_string(v));
        h.type = static_cast<PageType>(v);
        have_type = true;
        break;
      }
      case 2: h.uncompressed_size = r.read_i32(); have_sizes = true; break;
      case 3: h.compressed_size = r.read_i32(); break;
      case 5:
      case 7:
      case 8: {
        if (t != T::kStruct) {
          r.skip(t);
          break;
        }
        r.begin_struct();
        int16_t fid;
        uint8_t ft;
        while (r.next_field(fid, ft)) {
          if (id == 5) {  // DataPageHeader
            if (fid == 1) h.num_values = r.read_i32();
            else if (fid == 2) h.encoding = encoding(r.read_i32());
            else if (fid == 3) h.def_encoding = encoding(r.read_i32());
            else if (fid == 4) h.rep_encoding = encoding(r.read_i32());
            else r.skip(ft);
          } else if (id == 7) {  // DictionaryPageHeader
            if (fid == 1) h.num_values = r.read_i32();
            else if (fid == 2) h.encoding = encoding(r.read_i32());
            else r.skip(ft);
          } else {  // DataPageHeaderV2
            if (fid == 1) h.num_values = r.read_i32();
            else if (fid == 2) h.num_nulls = r.read_i32();
            else if (fid == 3) h.num_rows = r.read_i32();
            else if (fid == 4) h.encoding = encoding(r.read_i32());
            else if (fid == 5) h.def_bytes = r.read_i32();
            else if (fid == 6) h.rep_bytes = r.read_i32();
            else if (fid == 7) h.is_compressed = r.read_bool(ft);
            else r.skip(ft);
          }
        }
        r.end_struct();
        break;
      }
      default: r.skip(t);
    }
  }
  r.end_struct();
  auto fail = [&](const std::string& what) {
    return Error::at(ErrorCode::input, file, 0, 0, "column " + column + ": corrupt Parquet page header: " + what);
  };
  if (!r.ok()) return fail(r.error());
  if (!have_type || !have_sizes) return fail("no page type or size");
  if (h.uncompressed_size < 0 || h.compressed_size < 0 || h.num_values < 0 || h.def_bytes < 0 || h.rep_bytes < 0 ||
      h.num_nulls < 0 || h.num_rows < 0) {
    return fail("negative size or count");
  }
  h.header_size = r.consumed();
  return h;
}

}  // namespace sageguard::cost::parquet
