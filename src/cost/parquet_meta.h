// Parquet file metadata as the cost reader needs it: the footer (schema,
// row groups, column chunks) and page headers, decoded from Thrift compact
// with every size and offset checked against the file. Plain immutable data
// once parsed; safe to share between threads. Private to the cost module.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sageguard/result.h"

namespace sageguard::cost::parquet {

enum class PhysicalType { boolean = 0, int32 = 1, int64 = 2, int96 = 3, float32 = 4, float64 = 5,
                          byte_array = 6, fixed_len_byte_array = 7 };
enum class Repetition { required = 0, optional = 1, repeated = 2 };
enum class Codec { uncompressed = 0, snappy = 1, gzip = 2, lzo = 3, brotli = 4, lz4 = 5, zstd = 6, lz4_raw = 7 };
enum class Encoding { plain = 0, plain_dictionary = 2, rle = 3, bit_packed = 4, delta_binary_packed = 5,
                      delta_length_byte_array = 6, delta_byte_array = 7, rle_dictionary = 8,
                      byte_stream_split = 9 };
enum class PageType { data = 0, index = 1, dictionary = 2, data_v2 = 3 };

// How a leaf's values are shown to the aggregation (as text, the way a CSV
// export writes them).
enum class Logical { none, string, decimal, date, timestamp_millis, timestamp_micros, timestamp_nanos,
                     map, list, other };

const char* to_string(PhysicalType t);
const char* to_string(Codec c);
const char* to_string(Encoding e);

struct SchemaElement {
  std::optional<PhysicalType> type;  // nullopt for groups
  int32_t type_length = 0;
  Repetition repetition = Repetition::required;
  bool has_repetition = false;
  std::string name;
  int32_t num_children = 0;
  Logical logical = Logical::none;
  std::string logical_name;  // for messages about unsupported logical types
  int32_t scale = 0;
  int32_t precision = 0;
};

struct ColumnChunk {
  PhysicalType type = PhysicalType::byte_array;
  std::vector<std::string> path;
  Codec codec = Codec::uncompressed;
  int64_t num_values = 0;
  int64_t total_compressed_size = 0;
  int64_t data_page_offset = 0;
  std::optional<int64_t> dictionary_page_offset;
  bool external = false;   // file_path set: the data lives in another file
  bool encrypted = false;
};

struct RowGroup {
  std::vector<ColumnChunk> columns;
  int64_t num_rows = 0;
};

struct FileMeta {
  std::vector<SchemaElement> schema;  // depth-first, the root first
  int64_t num_rows = 0;
  std::vector<RowGroup> row_groups;
};

struct PageHeader {
  PageType type = PageType::data;
  int32_t uncompressed_size = 0;
  int32_t compressed_size = 0;
  int32_t num_values = 0;
  Encoding encoding = Encoding::plain;
  Encoding def_encoding = Encoding::rle;
  Encoding rep_encoding = Encoding::rle;
  // v2 only
  int32_t num_nulls = 0;
  int32_t num_rows = 0;
  int32_t def_bytes = 0;
  int32_t rep_bytes = 0;
  bool is_compressed = true;
  std::size_t header_size = 0;  // bytes of the Thrift header itself
};

// Parses the footer metadata (the bytes between the data and the trailing
// length + "PAR1"). `file` names the file in errors.
Result<FileMeta> parse_file_meta(std::string_view bytes, const std::string& file);

// Parses a page header at the start of `bytes`.
Result<PageHeader> parse_page_header(std::string_view bytes, const std::string& file, const std::string& column);

}  // namespace sageguard::cost::parquet
