// Streaming RFC 4180 CSV reader: quoted fields with commas, doubled quotes and
// embedded newlines, LF or CRLF line ends, optional UTF-8 BOM. Memory is
// bounded by the longest record, not the input size. One reader per thread.
//
// The input is classified 64 bytes at a time into bit masks (quote, comma,
// newline); a prefix XOR over the quote mask says which bytes lie inside
// quotes, so every field boundary is found without looking at bytes one by
// one. A quote toggles the quoted state wherever it appears; a field that
// does not start with a quote but contains one is reported as a problem.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
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

  // Memory mode: parses data[0, len) in place (quoted fields are unescaped
  // into it), with no copy. `capacity` >= len + kPad bytes must be
  // addressable (the tail is read in 64-byte blocks, never interpreted).
  // Line numbers start at `first_line`; a UTF-8 BOM is skipped only when
  // `at_file_start`. The input must begin at a record boundary.
  static constexpr std::size_t kPad = 64;
  // A quoted field may hold newlines, but a record spanning more than this
  // many lines is taken for a stray quote: an Error at the quote, since every
  // row inside it would be lost.
  static constexpr uint64_t kMaxRecordLines = 1000;
  CsvReader(char* data, std::size_t len, std::size_t capacity, uint64_t first_line, bool at_file_start);
  CsvReader(const CsvReader&) = delete;
  CsvReader& operator=(const CsvReader&) = delete;

  // Reads the next record into `fields`; the views stay valid until the next
  // call. Returns false at end of input. Blank lines are skipped. A quoted
  // field still open at the end of the input, a record over kMaxRecordLines
  // lines, or a record that breaks the quoting rules across lines (a stray
  // quote swallowing the rows after it) is an Error(input) at the opening
  // quote, so malformed rows never hide the rows after them. In memory mode
  // the Error's file is empty: the caller names it.
  Result<bool> next(std::vector<std::string_view>& fields);

  // The same without the copy: the record's fields are record() until the
  // next call.
  Result<bool> read_record();
  std::span<const std::string_view> record() const { return {out_.data(), nfields_}; }

  // 1-based physical line on which the last returned record started.
  uint64_t record_line() const { return record_line_; }
  // Non-empty when the last record, on one line, broke the quoting rules
  // (text after a closing quote, a quote inside an unquoted field); its
  // fields are a best effort and callers should count the row as malformed.
  const std::string& record_problem() const { return problem_; }
  // Offset of the first byte after the last record returned (memory mode:
  // into `data`), and the line it is on.
  std::size_t consumed() const { return begin_; }
  uint64_t next_line() const { return line_; }

 private:
  // Reads more input after end_, first moving the unconsumed bytes to the
  // front of the buffer. Returns how far the data moved (to rebase offsets
  // and the first `nfields` views of out_); sets eof_ when the source is
  // exhausted.
  Result<std::size_t> fill(std::size_t nfields);
  // Field [a, e), which contains a quote: unquoted in place, or kept as is
  // with a problem when the quote is not at its start.
  std::string_view unquote(std::size_t a, std::size_t e);
  // Errors for a stray quote, located on the raw input: unquoting moves the
  // bytes of fields already read, so positions are taken before it does.
  Error located(std::size_t quote, uint64_t line, std::size_t line_start, std::string text,
                const std::string& what) const;
  // The record runs on from the quote that opened its first quoted newline.
  Error run_on(const std::string& what) const;
  // The input ends inside the quoted field [fstart, end_) opened.
  Error left_open(std::size_t fstart, const std::string& what) const;
  // The raw text of the line from line_start, when no unquoting moved it.
  std::string raw_line(std::size_t line_start, std::size_t quote) const;

  ByteSource* src_ = nullptr;  // nullptr in memory mode
  std::size_t max_record_;
  std::string own_;        // the buffer when reading a source (kPad bytes of slack)
  char* data_ = nullptr;   // own_.data() or the caller's memory
  std::size_t cap_ = 0;
  std::size_t begin_ = 0;  // start of the current record in data_
  std::size_t end_ = 0;    // end of valid data in data_
  bool eof_ = false;
  bool check_bom_ = true;
  bool started_ = false;  // BOM check done

  // The classified block: masks for the 64 bytes at scan_.
  std::size_t scan_ = 0;
  bool have_block_ = false;
  uint64_t seps_ = 0;    // commas and newlines outside quotes, not yet consumed
  uint64_t nl_ = 0;      // newlines (all)
  uint64_t quotes_ = 0;  // quote characters
  uint64_t carry_ = 0;   // all ones if the byte after this block starts inside quotes
  // Offset of the last quote before the current block (-1: none seen), so a
  // field can tell whether it contains a quote without rescanning it.
  std::ptrdiff_t last_quote_ = -1;

  uint64_t line_ = 1;
  uint64_t record_line_ = 0;
  uint64_t embedded_newlines_ = 0;  // inside quoted fields of the current record
  // For stray-quote errors, per record: where its first quoted newline was
  // opened (raw offset; -1 none yet) and that line's text (empty when
  // unquoting had already moved it); the raw offset of the last newline in
  // the fields read so far (-1 none); whether unquoting moved bytes; and the
  // start of the field being read when fill() runs.
  std::ptrdiff_t run_quote_ = -1;
  std::string run_text_;
  std::ptrdiff_t last_nl_ = -1;
  bool moved_ = false;
  std::size_t field_start_ = 0;
  std::string problem_;
  std::vector<std::string_view> out_;  // the current record's fields: [0, nfields_)
  std::size_t nfields_ = 0;
};

}  // namespace sageguard::cost
