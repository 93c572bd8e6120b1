// CsvReader: first finds the end of a record (tracking quote state across
// buffer refills), then splits it in place. Quoted fields are unescaped in
// place because the unescaped text is never longer than the quoted one.
#include "sageguard/cost/csv_reader.h"

#include <cstring>

namespace sageguard::cost {

namespace {
constexpr std::size_t kChunk = std::size_t{1} << 16;  // read size; the buffer grows for longer records
}

CsvReader::CsvReader(ByteSource& src, std::size_t max_record_bytes)
    : src_(src), max_record_(max_record_bytes) {}

// Makes room after end_ and reads more; false at end of input.
Result<bool> CsvReader::fill() {
  if (eof_) return false;
  if (begin_ > 0 && (begin_ == end_ || end_ + kChunk > buf_.size())) {
    std::memmove(buf_.data(), buf_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  if (end_ + kChunk > buf_.size()) {
    if (end_ > max_record_) {
      return Error::at(ErrorCode::input, src_.name(), static_cast<uint32_t>(line_), 0,
                       "CSV record longer than " + std::to_string(max_record_) +
                           " bytes (unterminated quoted field?)");
    }
    buf_.resize(std::max(buf_.size() * 2, end_ + kChunk));
  }
  auto got = src_.read(buf_.data() + end_, buf_.size() - end_);
  if (!got.ok()) return std::move(got).error();
  if (*got == 0) {
    eof_ = true;
    return false;
  }
  end_ += *got;
  return true;
}

Result<bool> CsvReader::next(std::vector<std::string_view>& fields) {
  fields.clear();
  problem_.clear();
  for (;;) {
    // Find the record end: a '\n' outside quotes, or end of input.
    std::size_t scan = begin_;  // offset of the next unscanned byte
    bool in_quotes = false;
    uint64_t newlines = 0;
    std::size_t rec_end = std::string::npos;
    for (;;) {
      const char* base = buf_.data();
      while (scan < end_) {
        if (!in_quotes) {
          // Fast path: jump to the next newline unless a quote comes first.
          const void* nl = std::memchr(base + scan, '\n', end_ - scan);
          std::size_t stop = nl ? static_cast<std::size_t>(static_cast<const char*>(nl) - base) : end_;
          const void* q = std::memchr(base + scan, '"', stop - scan);
          if (!q) {
            scan = stop;
            if (nl) rec_end = stop;
            break;
          }
          scan = static_cast<std::size_t>(static_cast<const char*>(q) - base) + 1;
          in_quotes = true;
        } else {
          const void* q = std::memchr(base + scan, '"', end_ - scan);
          std::size_t stop = q ? static_cast<std::size_t>(static_cast<const char*>(q) - base) : end_;
          for (std::size_t i = scan; i < stop; ++i) newlines += base[i] == '\n';
          scan = stop;
          if (q) {
            ++scan;
            in_quotes = false;  // a doubled quote re-enters at the next byte
          }
        }
      }
      if (rec_end != std::string::npos) break;
      std::size_t scanned = scan - begin_;
      SG_ASSIGN_OR_RETURN(bool more, fill());
      scan = begin_ + scanned;  // fill() may have moved the data
      if (!more) break;
    }
    if (begin_ == end_ && rec_end == std::string::npos) return false;
    bool at_eof = rec_end == std::string::npos;
    std::size_t stop = at_eof ? end_ : rec_end;
    std::size_t start = begin_;
    if (first_) {
      first_ = false;
      if (stop - start >= 3 && std::memcmp(buf_.data() + start, "\xEF\xBB\xBF", 3) == 0) start += 3;
    }
    std::size_t content_end = stop;
    if (content_end > start && buf_[content_end - 1] == '\r' && !in_quotes) --content_end;
    record_line_ = line_;
    line_ += newlines + (at_eof ? 0 : 1);
    begin_ = at_eof ? end_ : rec_end + 1;
    if (in_quotes) problem_ = "quoted field not closed before end of input";
    if (content_end == start) continue;  // blank line
    parse_fields(start, content_end, fields);
    return true;
  }
}

void CsvReader::parse_fields(std::size_t begin, std::size_t end, std::vector<std::string_view>& fields) {
  char* b = buf_.data();
  std::size_t p = begin;
  for (;;) {
    if (p < end && b[p] == '"') {
      std::size_t r = p + 1, w = p + 1;
      bool closed = false;
      while (r < end) {
        if (b[r] == '"') {
          if (r + 1 < end && b[r + 1] == '"') {
            b[w++] = '"';
            r += 2;
            continue;
          }
          ++r;
          closed = true;
          break;
        }
        b[w++] = b[r++];
      }
      fields.emplace_back(b + p + 1, w - (p + 1));
      if (!closed && problem_.empty()) problem_ = "quoted field not closed";
      if (r < end && b[r] != ',') {
        if (problem_.empty()) problem_ = "text after closing quote";
        const void* c = std::memchr(b + r, ',', end - r);
        r = c ? static_cast<std::size_t>(static_cast<const char*>(c) - b) : end;
      }
      if (r >= end) return;
      p = r + 1;  // past the comma
      if (p == end) {
        fields.emplace_back();  // trailing comma: one more empty field
        return;
      }
    } else {
      const void* c = std::memchr(b + p, ',', end - p);
      std::size_t stop = c ? static_cast<std::size_t>(static_cast<const char*>(c) - b) : end;
      fields.emplace_back(b + p, stop - p);
      if (!c) return;
      p = stop + 1;
      if (p == end) {
        fields.emplace_back();
        return;
      }
    }
  }
}

}  // namespace sageguard::cost
