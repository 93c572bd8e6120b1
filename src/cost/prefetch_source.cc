// A ByteSource that reads its inner source ahead on a thread of its own, so
// decompression (inner) and CSV parsing (the caller) overlap on two cores.
// Memory is bounded: `depth` buffers of `chunk` bytes.
#include <condition_variable>
#include <cstring>
#include <deque>
#include <optional>
#include <mutex>
#include <thread>
#include <vector>

#include "sageguard/cost/byte_source.h"

namespace sageguard::cost {
namespace {

class PrefetchSource final : public ByteSource {
 public:
  PrefetchSource(std::unique_ptr<ByteSource> inner, std::size_t chunk, std::size_t depth)
      : inner_(std::move(inner)), chunk_(chunk), depth_(depth) {
    worker_ = std::thread([this] { run(); });
  }
  ~PrefetchSource() override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    worker_.join();
  }
  PrefetchSource(const PrefetchSource&) = delete;
  PrefetchSource& operator=(const PrefetchSource&) = delete;

  Result<std::size_t> read(char* dst, std::size_t n) override {
    if (pos_ == current_.size()) {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [this] { return !ready_.empty() || done_; });
      if (ready_.empty()) {
        if (error_) return *error_;
        return std::size_t{0};
      }
      free_.push_back(std::move(current_));
      current_ = std::move(ready_.front());
      ready_.pop_front();
      pos_ = 0;
      lock.unlock();
      cv_.notify_all();
    }
    std::size_t k = std::min(n, current_.size() - pos_);
    std::memcpy(dst, current_.data() + pos_, k);
    pos_ += k;
    return k;
  }
  const std::string& name() const override { return inner_->name(); }

 private:
  void run() {
    for (;;) {
      std::vector<char> buf;
      {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [this] { return stop_ || ready_.size() < depth_; });
        if (stop_) return;
        if (!free_.empty()) {
          buf = std::move(free_.back());
          free_.pop_back();
        }
      }
      buf.resize(chunk_);
      std::size_t have = 0;
      std::optional<Error> err;
      while (have < chunk_) {
        auto got = inner_->read(buf.data() + have, chunk_ - have);
        if (!got.ok()) {
          err = got.error();
          break;
        }
        if (*got == 0) break;
        have += *got;
      }
      buf.resize(have);
      std::lock_guard<std::mutex> lock(mu_);
      if (have > 0) ready_.push_back(std::move(buf));
      if (err || have < chunk_) {
        error_ = std::move(err);
        done_ = true;
        cv_.notify_all();
        return;
      }
      cv_.notify_all();
    }
  }

  std::unique_ptr<ByteSource> inner_;
  const std::size_t chunk_;
  const std::size_t depth_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::vector<char>> ready_;
  std::vector<std::vector<char>> free_;
  std::vector<char> current_;
  std::size_t pos_ = 0;
  bool done_ = false;
  bool stop_ = false;
  std::optional<Error> error_;
  std::thread worker_;  // last: started after every other member exists
};

}  // namespace

std::unique_ptr<ByteSource> read_ahead(std::unique_ptr<ByteSource> inner, std::size_t chunk, std::size_t depth) {
  return std::make_unique<PrefetchSource>(std::move(inner), chunk, depth < 1 ? 1 : depth);
}

}  // namespace sageguard::cost
