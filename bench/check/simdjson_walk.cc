// A floor for `check` on this machine: the fastest JSON library installed
// (simdjson, On-Demand API) parsing the benchmark bundle and visiting every
// key and value, with no validation, no rules and no report. Prints the
// time of each pass over the same loaded text: the first pass pays for
// touching fresh memory (simdjson's buffers), later passes show the parse
// alone. See BENCHMARKS.md and bench/check/floor.sh.
#include <simdjson.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>

namespace {

using simdjson::ondemand::json_type;

// Counts keys and values; the count is printed so the walk cannot be
// optimised away and so two runs can be compared.
size_t walk(simdjson::ondemand::value v) {
  size_t n = 1;
  switch (v.type().value()) {
    case json_type::array:
      for (auto item : v.get_array()) n += walk(item.value());
      break;
    case json_type::object:
      for (auto field : v.get_object()) {
        n += field.unescaped_key().value().empty() ? 1 : 2;
        n += walk(field.value());
      }
      break;
    case json_type::string:
      n += v.get_string().value().size() & 1;
      break;
    default:
      (void)v.raw_json_token();
  }
  return n;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: simdjson_walk BUNDLE.json [PASSES]\n");
    return 2;
  }
  const int passes = argc > 2 ? std::atoi(argv[2]) : 1;
  auto text = simdjson::padded_string::load(argv[1]);
  if (text.error()) {
    std::fprintf(stderr, "cannot read %s\n", argv[1]);
    return 2;
  }
  simdjson::ondemand::parser parser;
  for (int p = 0; p < passes; ++p) {
    const auto t0 = std::chrono::steady_clock::now();
    auto doc = parser.iterate(text.value());
    size_t n = 0;
    for (auto item : doc.get_array()) n += walk(item.value());
    const auto t1 = std::chrono::steady_clock::now();
    std::printf("pass %d: %.1f ms (%zu keys and values)\n", p + 1,
                std::chrono::duration<double, std::milli>(t1 - t0).count(), n);
  }
  return 0;
}
