// isa-l (igzip) streaming inflate. Built only when CMake found libisal
// (SAGEGUARD_HAVE_ISAL); otherwise gunzip_isal_available() is false and
// gunzip() uses zlib.
#include "gunzip.h"

#if defined(SAGEGUARD_HAVE_ISAL)

#include <isa-l/igzip_lib.h>

#include <algorithm>
#include <cstdint>
#include <vector>

namespace sageguard::cost {
namespace {

const char* isal_error(int rc) {
  switch (rc) {
    case ISAL_INVALID_BLOCK: return "invalid deflate block";
    case ISAL_INVALID_SYMBOL: return "invalid deflate symbol";
    case ISAL_INVALID_LOOKBACK: return "invalid distance too far back";
    case ISAL_INVALID_WRAPPER: return "incorrect header check";
    case ISAL_UNSUPPORTED_METHOD: return "unknown compression method";
    case ISAL_INCORRECT_CHECKSUM: return "incorrect data check";
    default: return "inflate failed";
  }
}

class IsalGzipSource final : public ByteSource {
 public:
  explicit IsalGzipSource(std::unique_ptr<ByteSource> raw) : raw_(std::move(raw)), in_(1 << 17) {
    isal_inflate_init(&st_);
    st_.crc_flag = ISAL_GZIP;  // parse the header, verify CRC-32 and length
  }
  IsalGzipSource(const IsalGzipSource&) = delete;
  IsalGzipSource& operator=(const IsalGzipSource&) = delete;

  Result<std::size_t> read(char* dst, std::size_t n) override {
    if (done_ || n == 0) return std::size_t{0};
    st_.next_out = reinterpret_cast<uint8_t*>(dst);
    st_.avail_out = static_cast<uint32_t>(std::min<std::size_t>(n, 1u << 30));
    const uint32_t want = st_.avail_out;
    while (st_.avail_out == want) {
      if (member_done_) {
        // The member ended (trailer checked); another one may follow.
        if (st_.avail_in == 0) {
          SG_ASSIGN_OR_RETURN(bool more, refill());
          if (!more) {
            done_ = true;
            break;
          }
        }
        uint8_t* next_in = st_.next_in;
        uint32_t avail_in = st_.avail_in;
        uint8_t* next_out = st_.next_out;
        uint32_t avail_out = st_.avail_out;
        isal_inflate_reset(&st_);
        st_.crc_flag = ISAL_GZIP;
        st_.next_in = next_in;
        st_.avail_in = avail_in;
        st_.next_out = next_out;
        st_.avail_out = avail_out;
        member_done_ = false;
      }
      if (st_.avail_in == 0) {
        SG_ASSIGN_OR_RETURN(bool more, refill());
        if (!more) return fail("truncated gzip data (unexpected end of file)");
      }
      int rc = isal_inflate(&st_);
      if (rc < 0) return fail(std::string("corrupt gzip data: ") + isal_error(rc));
      if (st_.block_state == ISAL_BLOCK_FINISH) member_done_ = true;
    }
    return static_cast<std::size_t>(want - st_.avail_out);
  }
  const std::string& name() const override { return raw_->name(); }

 private:
  Result<bool> refill() {
    auto got = raw_->read(reinterpret_cast<char*>(in_.data()), in_.size());
    if (!got.ok()) return std::move(got).error();
    st_.next_in = in_.data();
    st_.avail_in = static_cast<uint32_t>(*got);
    return *got > 0;
  }
  Error fail(std::string msg) {
    done_ = true;
    return Error::at(ErrorCode::input, raw_->name(), 0, 0, std::move(msg));
  }
  std::unique_ptr<ByteSource> raw_;
  std::vector<uint8_t> in_;
  inflate_state st_;
  bool member_done_ = false;
  bool done_ = false;
};

}  // namespace

std::unique_ptr<ByteSource> gunzip_isal(std::unique_ptr<ByteSource> raw) {
  return std::make_unique<IsalGzipSource>(std::move(raw));
}
bool gunzip_isal_available() { return true; }

}  // namespace sageguard::cost

#else

namespace sageguard::cost {

std::unique_ptr<ByteSource> gunzip_isal(std::unique_ptr<ByteSource>) { return nullptr; }
bool gunzip_isal_available() { return false; }

}  // namespace sageguard::cost

#endif
