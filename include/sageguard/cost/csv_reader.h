// Streaming RFC 4180 CSV reader: quoted fields with commas, doubled quotes and
// embedded newlines, LF or CRLF line ends, optional UTF-8 BOM. Memory is
// bounded by the longest record, not the input size. One reader per thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sageguard/cost/byte_source.h"
#include "sageguard/result.h"

namespace sageguard::cost {

class CsvReader {
 public:
  // A record longer than `max_record_bytes` (e.g. an unterminated quote in a
  // big file) is an Error instead of unbounded buffering.
  explicit CsvReader(ByteSource& src, std::size_t max_record_bytes = std::size_t{64} << 20);

  // Reads the next record into `fields`; the views stay valid until the next
  // call. Returns false at end of input. Blank lines are skipped.
  Result<bool> next(std::vector<std::string_view>& fields);

  // 1-based physical line on which the last returned record started.
  uint64_t record_line() const { return record_line_; }
  // Non-empty when the last record broke the quoting rules (text after a
  // closing quote, a quote left open at end of input); its fields are a best
  // effort and callers should count the row as malformed.
  const std::string& record_problem() const { return problem_; }

 private:
  Result<bool> fill();
  void parse_fields(std::size_t begin, std::size_t end, std::vector<std::string_view>& fields);

  ByteSource& src_;
  std::size_t max_record_;
  std::string buf_;
  std::size_t begin_ = 0;  // start of the unconsumed data in buf_
  std::size_t end_ = 0;    // end of valid data in buf_
  bool eof_ = false;
  bool first_ = true;
  uint64_t line_ = 1;
  uint64_t record_line_ = 0;
  std::string problem_;
};

}  // namespace sageguard::cost
