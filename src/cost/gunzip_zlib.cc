// zlib inflate with a fixed-size input buffer, so memory does not grow with
// the file. libdeflate is not an option here: it only decodes whole buffers.
#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "gunzip.h"

namespace sageguard::cost {
namespace {

class ZlibGzipSource final : public ByteSource {
 public:
  explicit ZlibGzipSource(std::unique_ptr<ByteSource> raw) : raw_(std::move(raw)), in_(1 << 16) {
    std::memset(&zs_, 0, sizeof zs_);
    ok_ = inflateInit2(&zs_, 16 + MAX_WBITS) == Z_OK;
  }
  ~ZlibGzipSource() override {
    if (ok_) inflateEnd(&zs_);
  }
  ZlibGzipSource(const ZlibGzipSource&) = delete;
  ZlibGzipSource& operator=(const ZlibGzipSource&) = delete;

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

}  // namespace

std::unique_ptr<ByteSource> gunzip_zlib(std::unique_ptr<ByteSource> raw) {
  return std::make_unique<ZlibGzipSource>(std::move(raw));
}

std::unique_ptr<ByteSource> gunzip(std::unique_ptr<ByteSource> raw) {
  if (gunzip_isal_available()) return gunzip_isal(std::move(raw));
  return gunzip_zlib(std::move(raw));
}

}  // namespace sageguard::cost
