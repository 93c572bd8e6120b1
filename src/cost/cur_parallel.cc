// One file on several threads. The input is cut into chunks of whole
// records (csv_split.h); cutting includes the decompression, so only one
// thread at a time does it, while the others parse chunks already cut. A
// thread cuts whenever nobody is cutting and few chunks wait, else parses,
// so inflating and parsing share the cores in whatever proportion the input
// needs. Each chunk is parsed in place (no copy) by a RecordScanner
// (cur_scan.h: only the columns the aggregation reads are extracted) into an
// aggregator of its own; those are merged into the file's in chunk order, so
// the result is the same as one thread reading the file with CsvReader,
// malformed-row line numbers and the --strict error included.
#include "cur_parallel.h"

#include <algorithm>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "csv_split.h"
#include "sageguard/cost/csv_reader.h"

namespace sageguard::cost {
namespace {

constexpr std::size_t kMaxRecord = std::size_t{64} << 20;  // as CsvReader's default
constexpr std::size_t kQueue = 4;                          // cut chunks waiting, at most (threads > 1)

// Bytes that are not zero-filled when allocated: the source writes every
// byte before it is parsed, and fresh pages cost a fault each anyway.
class Buffer {
 public:
  char* data() { return p_.get(); }
  std::size_t size() const { return n_; }
  // To n bytes, keeping the first `keep`.
  void resize(std::size_t n, std::size_t keep) {
    auto q = std::make_unique_for_overwrite<char[]>(n);
    if (keep > 0) std::memcpy(q.get(), p_.get(), keep);
    p_ = std::move(q);
    n_ = n;
  }

 private:
  std::unique_ptr<char[]> p_;
  std::size_t n_ = 0;
};

struct Chunk {
  std::size_t index = 0;
  Buffer buf;             // the text, then CsvReader::kPad bytes of slack
  std::size_t begin = 0;  // first byte to parse (after the header in chunk 0)
  std::size_t len = 0;    // end of the whole records
  uint64_t first_line = 1;
};

// Cuts the source into chunks; used by one thread at a time.
class Splitter {
 public:
  Splitter(ByteSource& src, std::size_t chunk) : src_(src), chunk_(chunk) {}

  // The next chunk in `buf` (a recycled buffer), or nullopt at the end.
  Result<std::optional<Chunk>> next(Buffer buf) {
    std::size_t len = tail_.size();
    // Headroom for the carried-over tail, so recycled buffers fit again and
    // are not reallocated (and copied) for a few bytes more.
    if (buf.size() < len + chunk_ + CsvReader::kPad) buf.resize(len + chunk_ + chunk_ / 4 + CsvReader::kPad, 0);
    std::memcpy(buf.data(), tail_.data(), len);
    std::optional<RecordEnd> end;
    std::size_t scanned_to = 0;  // no record ends before this offset
    for (;;) {
      const std::size_t want = buf.size() - CsvReader::kPad;
      while (len < want && !eof_) {
        auto got = src_.read(buf.data() + len, want - len);
        if (!got.ok()) return std::move(got).error();
        if (*got == 0) eof_ = true;
        len += *got;
      }
      if (len > scanned_to) {
        // Rescanning from 0 keeps the quote state right; it only happens
        // again for records longer than a chunk.
        end = last_record_end(buf.data(), len);
        scanned_to = len;
      }
      if (end || eof_) break;
      // No record ends in the buffer: before reading more of it, make sure
      // it is not a stray quote running on through the rest of the file (the
      // same limits, and the same quote, as CsvReader).
      const char* b = buf.data();
      if (len > kMaxRecord ||
          static_cast<uint64_t>(std::count(b, b + len, '\n')) > CsvReader::kMaxRecordLines) {
        const auto quote = opening_quote(b, len, false);
        if (!quote) {
          return Error::at(ErrorCode::input, src_.name(), static_cast<uint32_t>(line_), 0,
                           "CSV record longer than " + std::to_string(kMaxRecord) + " bytes (not a CSV file?)");
        }
        return quote_error(src_.name(), b, len, line_, *quote,
                           "a quote opened here runs on over more than " + std::to_string(CsvReader::kMaxRecordLines) +
                               " lines or " + std::to_string(kMaxRecord) +
                               " bytes: the quoted field is not closed (a stray quote?)");
      }
      buf.resize(buf.size() * 2, len);
    }
    Chunk c;
    c.first_line = line_;
    c.len = eof_ ? len : end->offset + 1;
    tail_.assign(buf.data() + c.len, len - c.len);
    if (!eof_) line_ += end->newlines;
    if (c.len == 0) return std::optional<Chunk>();
    // The slack is read (whole 64-byte blocks), never interpreted: defined bytes.
    std::memset(buf.data() + c.len, 0, CsvReader::kPad);
    c.buf = std::move(buf);
    return std::optional<Chunk>(std::move(c));
  }

 private:
  ByteSource& src_;
  const std::size_t chunk_;  // input bytes per chunk
  std::string tail_;         // bytes after the last whole record, for the next chunk
  uint64_t line_ = 1;
  bool eof_ = false;
};

class ParallelFile {
 public:
  ParallelFile(ByteSource& src, std::size_t file_index, const CurOptions& opts, CurAggregator& into,
               std::size_t chunk)
      : src_(src), file_index_(file_index), opts_(opts), into_(into), splitter_(src, chunk) {}

  Status run(unsigned threads) {
    // Alone, a thread parses each chunk right after cutting it (still in cache).
    queue_ = threads == 1 ? 1 : kQueue;
    std::vector<std::thread> pool;
    for (unsigned i = 1; i < threads; ++i) pool.emplace_back([this] { work(); });
    work();
    for (auto& t : pool) t.join();
    if (error_) return std::move(error_->second);
    return Status::success();
  }

 private:
  void fail(std::size_t index, Error e) {  // lock held; the earliest chunk's error wins
    if (!error_ || index < error_->first) error_.emplace(index, std::move(e));
  }

  // The first chunk starts with the header: read it here, before any chunk
  // is handed out, so every parser has the schema.
  Status read_header(Chunk& c) {
    CsvReader reader(c.buf.data(), c.len, c.buf.size(), 1, true);
    SG_ASSIGN_OR_RETURN(schema_, into_.begin_file(reader, src_.name()));
    c.begin = reader.consumed();
    c.first_line = reader.next_line();
    return Status::success();
  }

  void cut(std::unique_lock<std::mutex>& lock) {
    const std::size_t index = next_index_++;
    Buffer buf;
    if (!free_.empty()) {
      buf = std::move(free_.back());
      free_.pop_back();
    }
    cutting_ = true;
    lock.unlock();
    auto chunk = splitter_.next(std::move(buf));
    Status header = Status::success();
    if (chunk.ok() && *chunk && index == 0) header = read_header(**chunk);
    lock.lock();
    cutting_ = false;
    if (!chunk.ok()) {
      fail(index, std::move(chunk).error());
      done_cutting_ = true;
    } else if (!header.ok()) {
      fail(index, std::move(header).error());
      done_cutting_ = true;
    } else if (!*chunk || !schema_) {  // end of input, or an empty file
      done_cutting_ = true;
    } else {
      (*chunk)->index = index;
      ready_.push_back(std::move(**chunk));
    }
  }

  void parse(std::unique_lock<std::mutex>& lock) {
    Chunk c = std::move(ready_.front());
    ready_.pop_front();
    if (error_ && c.index > error_->first) {  // past an error: not needed
      free_.push_back(std::move(c.buf));
      return;
    }
    lock.unlock();
    CurAggregator part(opts_);
    Status st = part.add_chunk(c.buf.data() + c.begin, c.len - c.begin, c.buf.size() - c.begin, c.first_line,
                               *schema_, src_.name(), file_index_);
    lock.lock();
    if (free_.size() < kQueue + 2) free_.push_back(std::move(c.buf));
    if (!st.ok()) {
      fail(c.index, std::move(st).error());
      return;
    }
    finished_.emplace(c.index, std::move(part));
    for (auto it = finished_.find(next_merge_); it != finished_.end(); it = finished_.find(next_merge_)) {
      into_.merge(std::move(it->second));
      finished_.erase(it);
      ++next_merge_;
    }
  }

  void work() {
    std::unique_lock<std::mutex> lock(mu_);
    for (;;) {
      if (!cutting_ && !done_cutting_ && !error_ && ready_.size() < queue_) {
        cut(lock);
      } else if (!ready_.empty()) {
        parse(lock);
      } else if ((done_cutting_ || error_) && !cutting_) {
        cv_.notify_all();
        return;
      } else {
        cv_.wait(lock);
        continue;
      }
      cv_.notify_all();
    }
  }

  ByteSource& src_;
  const std::size_t file_index_;
  const CurOptions& opts_;
  CurAggregator& into_;
  Splitter splitter_;
  std::optional<CurSchema> schema_;

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Chunk> ready_;
  std::vector<Buffer> free_;
  std::map<std::size_t, CurAggregator> finished_;  // parsed, waiting for an earlier chunk
  std::size_t queue_ = kQueue;  // cut chunks waiting, at most
  std::size_t next_index_ = 0;
  std::size_t next_merge_ = 0;
  bool cutting_ = false;
  bool done_cutting_ = false;
  std::optional<std::pair<std::size_t, Error>> error_;
};

}  // namespace

Status aggregate_file_parallel(ByteSource& source, std::size_t file_index, unsigned threads,
                               const CurOptions& options, CurAggregator& into, std::size_t chunk_bytes) {
  ParallelFile file(source, file_index, options, into, chunk_bytes < 64 ? 64 : chunk_bytes);
  return file.run(threads < 1 ? 1 : threads);
}

}  // namespace sageguard::cost
