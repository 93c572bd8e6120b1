// check_paths alone, as `sageguard check` calls it (every usable CPU, memory
// hints, the heap reserved), with the built-in policy and a pinned date:
// prints the wall time of check_paths and, with a second argument, writes
// every finding and waived finding as a line to that file (for comparing
// two builds' results).
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "sageguard/check.h"
#include "util/memory.h"

int main(int argc, char** argv) {
  using namespace sageguard;
  if (argc < 2) return 2;
  CheckOptions o;
  o.today = "2026-11-27";
  o.threads = 0;
  o.memory_hints = true;
  reserve_heap_in_huge_pages(std::filesystem::file_size(argv[1]));
  const auto t0 = std::chrono::steady_clock::now();
  auto r = check_paths({argv[1]}, default_policy(), o);
  const auto t1 = std::chrono::steady_clock::now();
  if (!r.ok()) return 2;
  std::printf("%.1f ms, %zu findings, %d resources\n",
              std::chrono::duration<double, std::milli>(t1 - t0).count(), r->findings.size(),
              r->summary.resources);
  if (argc > 2) {
    std::ofstream out(argv[2]);
    auto line = [&](const Finding& f) {
      out << f.rule << '\t' << to_string(f.severity) << '\t' << f.file << ':' << f.line << ':'
          << f.column << '\t' << f.resource.kind << '/' << f.resource.name << '/' << f.resource.id << '\t' << f.path
          << '\t' << f.message << '\t' << f.fixable << '\n';
    };
    for (const auto& f : r->findings) line(f);
    for (const auto& w : r->waived) line(w.finding);
    out << r->summary.files << ' ' << r->summary.resources << ' ' << r->summary.error << ' '
        << r->summary.warning << ' ' << r->summary.note << ' ' << r->summary.unresolved << ' ' << r->summary.skipped << ' ' << r->errors.size() << '\n';
  }
  return 0;
}
