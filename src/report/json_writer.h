// A streaming JSON writer for reports with many entries (a check over a
// 20,000-request bundle has tens of thousands of findings). Building an
// nlohmann tree first cost more than the checking itself. The layout is
// exactly nlohmann's dump(2): two-space indent, "key": value, and empty
// containers as {} / [], so reports do not change with the writer.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace sageguard::report {

class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}
  // Streaming: whenever `out` holds 64 KiB or more at a container boundary,
  // it is handed to `sink` and cleared, so a large report never exists in
  // memory whole. The caller hands over the rest when done.
  using Sink = std::function<void(std::string_view)>;
  JsonWriter(std::string& out, Sink sink) : out_(out), sink_(std::move(sink)) {}

  void begin_object() { open('{'); }
  void end_object() { close('}'); }
  void begin_array() { open('['); }
  void end_array() { close(']'); }

  // In an object: the member name; the next call writes its value.
  void key(std::string_view k);

  void value(std::string_view s);
  void value(const char* s) { value(std::string_view(s)); }
  void value(const std::string& s) { value(std::string_view(s)); }
  void value(int64_t n);
  void value(int n) { value(static_cast<int64_t>(n)); }
  void value(uint32_t n) { value(static_cast<int64_t>(n)); }
  void value(uint64_t n);
  void value(bool b);
  // Doubles are formatted by nlohmann itself (shortest round trip, "2.0" for
  // integral values), so numbers read the same as in nlohmann-built reports.
  void value(double d);
  void null();

  // Convenience: key + value.
  template <class T>
  void member(std::string_view k, const T& v) {
    key(k);
    value(v);
  }

 private:
  void open(char c);
  void close(char c);
  void before_value();
  void newline_indent(size_t depth);
  void quoted(std::string_view s);

  void maybe_flush() {
    if (sink_ && out_.size() >= kFlushAt) {
      sink_(out_);
      out_.clear();
    }
  }
  static constexpr size_t kFlushAt = 64 * 1024;

  std::string& out_;
  Sink sink_;
  std::vector<uint32_t> counts_;  // members/items written per open container
  bool after_key_ = false;
};

}  // namespace sageguard::report
