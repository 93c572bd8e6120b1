// A reader for the Thrift compact protocol, the encoding of Parquet's footer
// and page headers: varints, zigzag integers, field headers, lists and a
// bounded skip of fields we do not use. One reader per buffer; not
// thread-safe. It never reads past the buffer: the first problem sets an
// error (kept, later reads return zeros) that the caller checks once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sageguard::cost {

class ThriftReader {
 public:
  // Compact protocol type ids.
  enum Type : uint8_t {
    kStop = 0, kTrue = 1, kFalse = 2, kByte = 3, kI16 = 4, kI32 = 5, kI64 = 6,
    kDouble = 7, kBinary = 8, kList = 9, kSet = 10, kMap = 11, kStruct = 12,
  };

  ThriftReader(const uint8_t* data, std::size_t size) : p_(data), end_(data + size), begin_(data) {}

  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  std::size_t consumed() const { return static_cast<std::size_t>(p_ - begin_); }

  // Structs: begin, then next_field() until it returns false (STOP), then end.
  void begin_struct();
  void end_struct();
  // The next field's id and type; false at the struct's end or on error.
  bool next_field(int16_t& id, uint8_t& type);

  int32_t read_i32();  // also i16 and byte fields (sign-extended)
  int64_t read_i64();
  bool read_bool(uint8_t field_type);  // the value is in the field header
  double read_double();
  std::string_view read_binary();      // a view into the buffer
  // A list or set header: element type and count (bounded by the bytes left).
  bool read_list(uint8_t& elem_type, uint32_t& count);
  // Skips one value of `type` (structs, lists and maps nested at most 32 deep).
  void skip(uint8_t type);

  void fail(std::string message);

 private:
  uint64_t read_varint();
  void skip_depth(uint8_t type, int depth);

  const uint8_t* p_;
  const uint8_t* end_;
  const uint8_t* begin_;
  std::vector<int16_t> last_ids_;
  int16_t last_id_ = 0;
  std::string error_;
};

}  // namespace sageguard::cost
