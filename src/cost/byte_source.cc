// Plain and memory byte sources, and the magic-byte sniffing that puts a
// gzip decoder (gunzip.h) in front of compressed input.
#include "sageguard/cost/byte_source.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "gunzip.h"

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
    return gunzip(std::move(src));
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
