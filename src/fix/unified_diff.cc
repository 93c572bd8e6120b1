// unified_diff: Myers' O(ND) line diff (after trimming the common prefix and
// suffix, so a few edits in a large file cost little), printed in `diff -u`
// format with 3 lines of context. Lines keep their '\n', so a last line
// without one differs from the same text with one, as in GNU diff.
#include <fmt/format.h>

#include <algorithm>
#include <string_view>

#include "sageguard/fix/fix.h"

namespace sageguard::fix {

namespace {

constexpr size_t kContext = 3;
// Above this many V-array cells the middle is reported as one replacement:
// still a correct diff, just not a minimal one.
constexpr size_t kMaxTraceCells = 64u * 1024 * 1024;

std::vector<std::string_view> split_lines(std::string_view t) {
  std::vector<std::string_view> out;
  size_t pos = 0;
  while (pos < t.size()) {
    const size_t nl = t.find('\n', pos);
    const size_t end = nl == std::string_view::npos ? t.size() : nl + 1;
    out.push_back(t.substr(pos, end - pos));
    pos = end;
  }
  return out;
}

enum class Op : char { equal = ' ', del = '-', ins = '+' };

// Edit script for a[lo_a, hi_a) -> b[lo_b, hi_b), appended to `out`.
void myers(const std::vector<std::string_view>& a, size_t lo_a, size_t hi_a,
           const std::vector<std::string_view>& b, size_t lo_b, size_t hi_b, std::vector<Op>& out) {
  const long n = static_cast<long>(hi_a - lo_a), m = static_cast<long>(hi_b - lo_b);
  const long max = n + m;
  if (max == 0) return;
  const size_t width = static_cast<size_t>(2 * max + 1);
  std::vector<std::vector<long>> trace;
  std::vector<long> v(width, 0);
  long found_d = -1;
  for (long d = 0; d <= max; ++d) {
    if ((static_cast<size_t>(d) + 1) * width > kMaxTraceCells) break;
    for (long k = -d; k <= d; k += 2) {
      long x = (k == -d || (k != d && v[k - 1 + max] < v[k + 1 + max])) ? v[k + 1 + max]
                                                                        : v[k - 1 + max] + 1;
      long y = x - k;
      while (x < n && y < m && a[lo_a + x] == b[lo_b + y]) ++x, ++y;
      v[k + max] = x;
      if (x >= n && y >= m) {
        found_d = d;
        break;
      }
    }
    trace.push_back(v);
    if (found_d >= 0) break;
  }
  if (found_d < 0) {  // too different: replace the whole middle
    out.insert(out.end(), static_cast<size_t>(n), Op::del);
    out.insert(out.end(), static_cast<size_t>(m), Op::ins);
    return;
  }
  std::vector<Op> rev;
  long x = n, y = m;
  for (long d = found_d; d > 0; --d) {
    const std::vector<long>& pv = trace[static_cast<size_t>(d - 1)];
    const long k = x - y;
    const bool down = k == -d || (k != d && pv[k - 1 + max] < pv[k + 1 + max]);
    const long pk = down ? k + 1 : k - 1;
    const long px = pv[pk + max], py = px - pk;
    // The step reached (mid_x, mid_y); a diagonal snake then led to (x, y).
    const long mid_x = down ? px : px + 1, mid_y = down ? py + 1 : py;
    while (x > mid_x && y > mid_y) {
      rev.push_back(Op::equal);
      --x, --y;
    }
    rev.push_back(down ? Op::ins : Op::del);
    x = px, y = py;
  }
  while (x > 0 && y > 0) {
    rev.push_back(Op::equal);
    --x, --y;
  }
  out.insert(out.end(), rev.rbegin(), rev.rend());
}

void emit_line(std::string& out, char tag, std::string_view line) {
  out += tag;
  out += line;
  if (line.empty() || line.back() != '\n') out += "\n\\ No newline at end of file\n";
}

}  // namespace

std::string unified_diff(const std::string& before, const std::string& after,
                         const std::string& from, const std::string& to) {
  if (before == after) return "";
  const auto a = split_lines(before), b = split_lines(after);
  size_t pre = 0;
  while (pre < a.size() && pre < b.size() && a[pre] == b[pre]) ++pre;
  size_t suf = 0;
  while (suf < a.size() - pre && suf < b.size() - pre &&
         a[a.size() - 1 - suf] == b[b.size() - 1 - suf]) {
    ++suf;
  }
  std::vector<Op> ops(pre, Op::equal);
  myers(a, pre, a.size() - suf, b, pre, b.size() - suf, ops);
  ops.insert(ops.end(), suf, Op::equal);

  // Positions in a and b before each op.
  std::vector<size_t> ai(ops.size() + 1), bi(ops.size() + 1);
  for (size_t i = 0; i < ops.size(); ++i) {
    ai[i + 1] = ai[i] + (ops[i] != Op::ins ? 1 : 0);
    bi[i + 1] = bi[i] + (ops[i] != Op::del ? 1 : 0);
  }
  std::string out = fmt::format("--- {}\n+++ {}\n", from, to);
  size_t i = 0;
  while (i < ops.size()) {
    if (ops[i] == Op::equal) {
      ++i;
      continue;
    }
    const size_t start = i >= kContext ? i - kContext : 0;
    size_t end = i;  // one past the last change of this hunk
    size_t j = i;
    while (j < ops.size()) {
      if (ops[j] != Op::equal) {
        end = ++j;
        continue;
      }
      size_t run = j;
      while (run < ops.size() && ops[run] == Op::equal) ++run;
      if (run == ops.size() || run - j > 2 * kContext) break;
      j = run;
    }
    const size_t stop = std::min(ops.size(), end + kContext);
    const size_t a_len = ai[stop] - ai[start], b_len = bi[stop] - bi[start];
    out += fmt::format("@@ -{},{} +{},{} @@\n", a_len ? ai[start] + 1 : ai[start], a_len,
                       b_len ? bi[start] + 1 : bi[start], b_len);
    for (size_t k = start; k < stop; ++k) {
      if (ops[k] == Op::ins) {
        emit_line(out, '+', b[bi[k]]);
      } else {
        emit_line(out, ops[k] == Op::del ? '-' : ' ', a[ai[k]]);
      }
    }
    i = stop;
  }
  return out;
}

}  // namespace sageguard::fix
