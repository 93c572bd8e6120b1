// Plain, memory and gzip byte sources. Gzip is streamed (zlib inflate with a
// fixed-size window) so memory does not grow with the file; libdeflate is not
// used here because it only decompresses whole buffers.
#include "sageguard/cost/byte_source.h"

#include <zlib.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

namespace sageguard::cost {
namespace {

class FileSource final : public ByteSource {
 public:
  FileSource(std::FILE* f, std::string name) : f_(f), name_(std::move(name)) {}
  ~FileSource() override { std::fclose(f_); }
  FileSource(const FileSource&) = delete;
  FileSource& operator=(const FileSource&) = delete;

  Result<std::size_t> read(char* dst, std::size_t n) override {
    std::size_t got = std::fread(dst, 1, n, f_);
    if (got < n && std::ferror(f_)) {
      return Error::at(ErrorCode::io, name_, 0, 0, std::string("read failed: ") + std::strerror(errno));
    }
    return got;
  }
  const std::string& name() const override { return name_; }

 private:
  std::FILE* f_;
  std::string name_;
};

class MemorySource final : public ByteSource {
 public:
  MemorySource(std::string_view data, std::string name) : data_(data), name_(std::move(name)) {}
  Result<std::size_t> read(char* dst, std::size_t n) override {
    std::size_t k = std::min(n, data_.size() - pos_);
    std::memcpy(dst, data_.data() + pos_, k);
    pos_ += k;
    return k;
  }
  const std::string& name() const override { return name_; }

 private:
  std::string_view data_;
  std::size_t pos_ = 0;
  std::string name_;
};

// Inflates a raw source holding one or more concatenated gzip members.
class GzipSource final : public ByteSource {
 public:
  explicit GzipSource(std::unique_ptr<ByteSource> raw) : raw_(std::move(raw)), in_(1 << 16) {
    std::memset(&zs_, 0, sizeof zs_);
    ok_ = inflateInit2(&zs_, 16 + MAX_WBITS) == Z_OK;
  }
  ~GzipSource() override {
    if (ok_) inflateEnd(&zs_);
  }
  GzipSource(const GzipSource&) = delete;
  GzipSource& operator=(const GzipSource&) = delete;

  Result<std::size_t> read(char* dst, std::size_t n) override {
    if (!ok_) return fail("cannot initialise zlib");
    if (done_ || n == 0) return std::size_t{0};
    zs_.next_out = reinterpret_cast<Bytef*>(dst);
    zs_.avail_out = static_cast<uInt>(std::min<std::size_t>(n, 1u << 30));
    const uInt want = zs_.avail_out;
    while (zs_.avail_out == want) {
      if (zs_.avail_in == 0) {
        auto got = raw_->read(reinterpret_cast<char*>(in_.data()), in_.size());
        if (!got.ok()) return std::move(got).error();
        if (*got == 0) {
          // End of the compressed file: fine only between members.
          if (in_member_) return fail("truncated gzip data (unexpected end of file)");
          done_ = true;
          break;
        }
        zs_.next_in = in_.data();
        zs_.avail_in = static_cast<uInt>(*got);
      }
      in_member_ = true;
      int rc = inflate(&zs_, Z_NO_FLUSH);
      if (rc == Z_STREAM_END) {
        in_member_ = false;
        if (inflateReset(&zs_) != Z_OK) return fail("cannot reset zlib");
        continue;
      }
      if (rc == Z_BUF_ERROR) continue;  // needs more input
      if (rc != Z_OK) {
        return fail(std::string("corrupt gzip data: ") + (zs_.msg ? zs_.msg : "inflate failed"));
      }
    }
    return static_cast<std::size_t>(want - zs_.avail_out);
  }
  const std::string& name() const override { return raw_->name(); }

 private:
  Error fail(std::string msg) {
    done_ = true;
    return Error::at(ErrorCode::input, raw_->name(), 0, 0, std::move(msg));
  }
  std::unique_ptr<ByteSource> raw_;
  std::vector<Bytef> in_;
  z_stream zs_;
  bool ok_ = false;
  bool done_ = false;
  bool in_member_ = false;
};

// Puts back the bytes read to sniff the format.
class PrefixedSource final : public ByteSource {
 public:
  PrefixedSource(std::string prefix, std::unique_ptr<ByteSource> rest)
      : prefix_(std::move(prefix)), rest_(std::move(rest)) {}
  Result<std::size_t> read(char* dst, std::size_t n) override {
    if (pos_ < prefix_.size()) {
      std::size_t k = std::min(n, prefix_.size() - pos_);
      std::memcpy(dst, prefix_.data() + pos_, k);
      pos_ += k;
      return k;
    }
    return rest_->read(dst, n);
  }
  const std::string& name() const override { return rest_->name(); }

 private:
  std::string prefix_;
  std::size_t pos_ = 0;
  std::unique_ptr<ByteSource> rest_;
};

Result<std::unique_ptr<ByteSource>> sniff(std::unique_ptr<ByteSource> raw) {
  char magic[2];
  std::size_t have = 0;
  while (have < 2) {
    auto got = raw->read(magic + have, 2 - have);
    if (!got.ok()) return std::move(got).error();
    if (*got == 0) break;
    have += *got;
  }
  std::unique_ptr<ByteSource> src =
      std::make_unique<PrefixedSource>(std::string(magic, have), std::move(raw));
  if (have == 2 && static_cast<unsigned char>(magic[0]) == 0x1f &&
      static_cast<unsigned char>(magic[1]) == 0x8b) {
    return std::unique_ptr<ByteSource>(std::make_unique<GzipSource>(std::move(src)));
  }
  return src;
}

}  // namespace

Result<std::unique_ptr<ByteSource>> open_input(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return Error::at(ErrorCode::io, path, 0, 0, std::string("cannot open: ") + std::strerror(errno));
  return sniff(std::make_unique<FileSource>(f, path));
}

std::unique_ptr<ByteSource> open_memory(std::string_view data, std::string name) {
  auto raw = std::make_unique<MemorySource>(data, std::move(name));
  // A memory source cannot fail to read, so sniffing cannot fail either.
  auto r = sniff(std::move(raw));
  return std::move(r).value();
}

}  // namespace sageguard::cost
