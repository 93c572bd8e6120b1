// Thrift compact protocol decoding (see thrift_compact.h).
#include "thrift_compact.h"

#include <cstring>

namespace sageguard::cost {

void ThriftReader::fail(std::string message) {
  if (error_.empty()) error_ = std::move(message);
  p_ = end_;
}

uint64_t ThriftReader::read_varint() {
  uint64_t v = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (p_ >= end_) {
      fail("truncated Thrift varint");
      return 0;
    }
    const uint8_t b = *p_++;
    v |= static_cast<uint64_t>(b & 0x7f) << shift;
    if (!(b & 0x80)) return v;
  }
  fail("Thrift varint longer than 10 bytes");
  return 0;
}

void ThriftReader::begin_struct() {
  if (last_ids_.size() >= 64) {
    fail("Thrift structs nested too deep");
    return;
  }
  last_ids_.push_back(last_id_);
  last_id_ = 0;
}

void ThriftReader::end_struct() {
  if (last_ids_.empty()) return;
  last_id_ = last_ids_.back();
  last_ids_.pop_back();
}

bool ThriftReader::next_field(int16_t& id, uint8_t& type) {
  if (!ok()) return false;
  if (p_ >= end_) {
    fail("truncated Thrift struct");
    return false;
  }
  const uint8_t b = *p_++;
  type = b & 0x0f;
  if (type == kStop) return false;
  const uint8_t delta = b >> 4;
  if (delta != 0) {
    id = static_cast<int16_t>(last_id_ + delta);
  } else {
    const uint64_t z = read_varint();
    id = static_cast<int16_t>(static_cast<int64_t>(z >> 1) ^ -static_cast<int64_t>(z & 1));
  }
  last_id_ = id;
  if (type > kStruct) {
    fail("unknown Thrift type " + std::to_string(type));
    return false;
  }
  return ok();
}

int32_t ThriftReader::read_i32() {
  const uint64_t z = read_varint();
  return static_cast<int32_t>(static_cast<int64_t>(z >> 1) ^ -static_cast<int64_t>(z & 1));
}

int64_t ThriftReader::read_i64() {
  const uint64_t z = read_varint();
  return static_cast<int64_t>(z >> 1) ^ -static_cast<int64_t>(z & 1);
}

bool ThriftReader::read_bool(uint8_t field_type) { return field_type == kTrue; }

double ThriftReader::read_double() {
  if (end_ - p_ < 8) {
    fail("truncated Thrift double");
    return 0;
  }
  double d;
  std::memcpy(&d, p_, 8);
  p_ += 8;
  return d;
}

std::string_view ThriftReader::read_binary() {
  const uint64_t n = read_varint();
  if (!ok()) return {};
  if (n > static_cast<uint64_t>(end_ - p_)) {
    fail("Thrift string longer than its buffer");
    return {};
  }
  std::string_view v(reinterpret_cast<const char*>(p_), static_cast<std::size_t>(n));
  p_ += n;
  return v;
}

bool ThriftReader::read_list(uint8_t& elem_type, uint32_t& count) {
  if (p_ >= end_) {
    fail("truncated Thrift list");
    return false;
  }
  const uint8_t b = *p_++;
  elem_type = b & 0x0f;
  uint64_t n = b >> 4;
  if (n == 15) n = read_varint();
  // Every element takes at least one byte, so a count above the bytes left is corrupt.
  if (!ok() || n > static_cast<uint64_t>(end_ - p_)) {
    fail("Thrift list longer than its buffer");
    return false;
  }
  count = static_cast<uint32_t>(n);
  return true;
}

void ThriftReader::skip(uint8_t type) { skip_depth(type, 0); }

void ThriftReader::skip_depth(uint8_t type, int depth) {
  if (depth > 32) {
    fail("Thrift values nested too deep");
    return;
  }
  switch (type) {
    case kTrue:
    case kFalse:
      return;
    case kByte:
      if (p_ >= end_) fail("truncated Thrift byte");
      else ++p_;
      return;
    case kI16:
    case kI32:
    case kI64:
      read_varint();
      return;
    case kDouble:
      read_double();
      return;
    case kBinary:
      read_binary();
      return;
    case kList:
    case kSet: {
      uint8_t et;
      uint32_t n;
      if (!read_list(et, n)) return;
      for (uint32_t i = 0; i < n && ok(); ++i) {
        // Booleans in a list take a byte each.
        if (et == kTrue || et == kFalse) skip_depth(kByte, depth + 1);
        else skip_depth(et, depth + 1);
      }
      return;
    }
    case kMap: {
      const uint64_t n = read_varint();
      if (n == 0 || !ok()) return;
      if (p_ >= end_ || n > static_cast<uint64_t>(end_ - p_)) {
        fail("Thrift map longer than its buffer");
        return;
      }
      const uint8_t kv = *p_++;
      for (uint64_t i = 0; i < n && ok(); ++i) {
        skip_depth(kv >> 4, depth + 1);
        skip_depth(kv & 0x0f, depth + 1);
      }
      return;
    }
    case kStruct: {
      begin_struct();
      int16_t id;
      uint8_t t;
      while (next_field(id, t)) skip_depth(t, depth + 1);
      end_struct();
      return;
    }
    default:
      fail("unknown Thrift type " + std::to_string(type));
  }
}

}  // namespace sageguard::cost
