// Parquet's value and level encodings, decoded from one page's bytes: the
// RLE / bit-packed hybrid (levels, dictionary indices), DELTA_BINARY_PACKED,
// DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY and BYTE_STREAM_SPLIT, plus page
// decompression (SNAPPY, GZIP, ZSTD). Pure functions over buffers, safe on
// any thread; every length is checked, a problem is an error text (the
// caller adds the file and column). Private to the cost module.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "parquet_meta.h"

namespace sageguard::cost::parquet {

// A cursor over one buffer; `error` is set once, then reads fail.
struct ByteCursor {
  const uint8_t* p;
  const uint8_t* end;
  std::string error;

  std::size_t left() const { return static_cast<std::size_t>(end - p); }
  bool fail(std::string e) {
    if (error.empty()) error = std::move(e);
    p = end;
    return false;
  }
  bool varint(uint64_t& v);
  bool zigzag(int64_t& v);
};

// Bits needed for values up to max_value (0 for 0).
int bit_width(uint32_t max_value);

// Decodes `count` values of the RLE / bit-packed hybrid with `width` bits
// (0..32) from `in`, appending to `out`; `largest`, when given, gets the
// largest of them (0 for none). False (in.error set) on truncation.
bool decode_rle_hybrid(ByteCursor& in, int width, std::size_t count, std::vector<uint32_t>& out,
                       uint32_t* largest = nullptr);
// The same for levels (width 0..16) into out[0, count): `at_full` gets how
// many equal `full`, `deepest` the largest (an RLE run counted at once).
bool decode_levels(ByteCursor& in, int width, std::size_t count, uint16_t* out, uint32_t full, std::size_t& at_full,
                   uint32_t& deepest);

// DELTA_BINARY_PACKED: appends `count` values (at most the stream's total) to
// `out`; `in` is left after the last miniblock read. `bits` is 32 or 64: a
// 32-bit column's values wrap at 32 bits.
bool decode_delta_binary(ByteCursor& in, std::size_t count, int bits, std::vector<int64_t>& out);
// The number of values a DELTA_BINARY_PACKED stream declares, without moving `in`.
bool delta_binary_total(const ByteCursor& in, uint64_t& total);

// DELTA_LENGTH_BYTE_ARRAY: `count` views into in's buffer.
bool decode_delta_length(ByteCursor& in, std::size_t count, std::vector<std::string_view>& out);

// DELTA_BYTE_ARRAY: the values are rebuilt into `storage` (cleared first;
// views into it stay valid until it is cleared or destroyed).
bool decode_delta_byte_array(ByteCursor& in, std::size_t count, std::vector<std::string>& storage,
                             std::vector<std::string_view>& out);

// BYTE_STREAM_SPLIT of `count` values of `width` bytes: the values' bytes
// gathered into `dst` (count * width bytes), as PLAIN would hold them.
bool decode_byte_stream_split(ByteCursor& in, std::size_t count, std::size_t width, std::string& dst);

// Decompresses a page body into exactly `size` bytes. Error text on an
// unsupported codec, corrupt data or a size other than the stated one.
bool decompress(Codec codec, std::string_view in, std::size_t size, std::string& out, std::string& error);

}  // namespace sageguard::cost::parquet
