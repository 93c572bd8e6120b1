#include "model/ascii_dfa.h"

#include <re2/re2.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>

namespace sageguard::api_model {
namespace {

using CharSet = std::bitset<128>;

// Thompson states before giving up (the atom-copy limit trips first but for
// repeated empty groups).
constexpr size_t kMaxNfaStates = 50000;

Error not_handled(std::string why) { return Error::make(ErrorCode::input, std::move(why)); }

// RE2 refuses repeat counts above this, alone or multiplied through nesting.
constexpr long kMaxRepeat = 1000;
// Deeper nesting is left to RE2 (its own limit is 1000); keeps our
// recursive parser's stack small.
constexpr int kMaxDepth = 100;
// Atom copies once repeats are expanded (RE2's program has about as many
// instructions). For atoms of ASCII escapes, `.`, `\S` or `[^/]`, RE2's
// UTF-8 program is at most a few times bigger than that, far inside its
// default memory budget, so RE2 never refuses as too large a pattern we
// handle. Atoms naming other code points (`\p{L}`, `\x{2028}`) can cost
// hundreds of UTF-8 instructions each: for those build() asks RE2 itself.
constexpr long kMaxAtomCopies = 2000;

RE2::Options latin1_options() {
  RE2::Options o;
  o.set_log_errors(false);
  o.set_encoding(RE2::Options::EncodingLatin1);
  return o;
}

RE2::Options utf8_options() {
  RE2::Options o;
  o.set_log_errors(false);
  return o;
}

// The pattern's structure: atoms (an index into the distinct sets),
// concatenation, alternation and bounded or unbounded repetition.
struct Node {
  enum Kind : uint8_t { empty, atom, concat, alt, repeat } kind = empty;
  int set = -1;
  int min = 0;
  int max = 0;  // -1: unbounded
  std::vector<int> kids;
};

class Parser {
 public:
  explicit Parser(std::string_view re) : re_(re) {}

  // Root node index, or the reason the pattern is not handled.
  Result<int> parse() {
    for (const char c : re_) {
      if (static_cast<unsigned char>(c) >= 0x80) return not_handled("non-ASCII pattern text");
    }
    SG_ASSIGN_OR_RETURN(int root, alternation());
    if (pos_ != re_.size()) return not_handled("unbalanced ')'");
    // RE2's limit on nested counts (its RepetitionWalker), and ours on size.
    if (worst_product(root) > kMaxRepeat) return not_handled("nested repeat counts over 1000");
    if (copies(root) > kMaxAtomCopies)
      return not_handled("too many atoms once repeats are expanded");
    return root;
  }

  std::vector<Node> nodes;
  std::vector<CharSet> sets;
  // Some atom names a code point outside Latin-1's ASCII-like part (see
  // kMaxAtomCopies).
  bool heavy_atoms = false;

 private:
  int add(Node n) {
    nodes.push_back(std::move(n));
    return static_cast<int>(nodes.size() - 1);
  }
  bool at_end() const { return pos_ >= re_.size(); }
  char peek() const { return re_[pos_]; }

  // The largest product of repeat counts along any path from `n` down
  // (a repeat's max, or its min when unbounded).
  long worst_product(int n) const {
    const Node& node = nodes[static_cast<size_t>(n)];
    long inner = 1;
    for (int k : node.kids) inner = std::max(inner, worst_product(k));
    if (node.kind != Node::repeat) return inner;
    const long count = node.max >= 0 ? node.max : node.min;
    return count > 0 ? std::min(count * inner, kMaxRepeat + 1) : inner;
  }

  // How many atom copies the automaton builder makes for `n`.
  long copies(int n) const {
    const Node& node = nodes[static_cast<size_t>(n)];
    if (node.kind == Node::atom) return 1;
    long total = 0;
    for (int k : node.kids) total += copies(k);
    if (node.kind == Node::repeat) total *= node.max >= 0 ? node.max : node.min + 1;
    return std::min(total, kMaxAtomCopies + 1);
  }

  Result<int> alternation() {
    Node n;
    n.kind = Node::alt;
    for (;;) {
      SG_ASSIGN_OR_RETURN(int branch, concatenation());
      n.kids.push_back(branch);
      if (at_end() || peek() != '|') break;
      ++pos_;
    }
    if (n.kids.size() == 1) return n.kids[0];
    return add(std::move(n));
  }

  Result<int> concatenation() {
    Node n;
    n.kind = Node::concat;
    while (!at_end() && peek() != '|' && peek() != ')') {
      SG_ASSIGN_OR_RETURN(int piece, repeated());
      n.kids.push_back(piece);
    }
    if (n.kids.empty()) return add(Node{});
    if (n.kids.size() == 1) return n.kids[0];
    return add(std::move(n));
  }

  bool at_quantifier() const {
    return !at_end() && (peek() == '*' || peek() == '+' || peek() == '?' || peek() == '{');
  }

  // An atom and its quantifiers (counts RE2 refuses are refused by parse()
  // once the tree is complete).
  Result<int> repeated() {
    SG_ASSIGN_OR_RETURN(int atom, single());
    if (!at_quantifier()) return atom;
    Node r;
    r.kind = Node::repeat;
    r.kids.push_back(atom);
    const char q = peek();
    ++pos_;
    if (q == '*') {
      r.min = 0, r.max = -1;
    } else if (q == '+') {
      r.min = 1, r.max = -1;
    } else if (q == '?') {
      r.min = 0, r.max = 1;
    } else {
      SG_TRY(counts(r.min, r.max));
    }
    if (!at_end() && peek() == '?') ++pos_;  // lazy: the same yes/no answer
    if (at_quantifier()) return not_handled("repeated repetition");
    return add(std::move(r));
  }

  // `{n}`, `{n,}` or `{n,m}`, after the `{`. Anything else RE2 would read
  // as a literal brace; we leave such patterns to RE2.
  Status counts(int& min, int& max) {
    auto number = [&](int& out) {
      const size_t start = pos_;
      long v = 0;
      while (!at_end() && peek() >= '0' && peek() <= '9') {
        v = v * 10 + (peek() - '0');
        if (v > kMaxRepeat) return false;
        ++pos_;
      }
      out = static_cast<int>(v);
      return pos_ > start;
    };
    if (!number(min)) return not_handled("'{' that is not a repeat");
    max = min;
    if (!at_end() && peek() == ',') {
      ++pos_;
      max = -1;
      if (!at_end() && peek() != '}' && !number(max)) return not_handled("bad repeat");
    }
    if (at_end() || peek() != '}')
      return not_handled("'{' that is not a repeat or count over 1000");
    ++pos_;
    if (max >= 0 && max < min) return not_handled("repeat with max < min");
    return Status();
  }

  Result<int> single() {
    if (at_end()) return not_handled("unexpected end");
    const char c = peek();
    switch (c) {
      case '(': {
        if (++depth_ > kMaxDepth) return not_handled("groups nested too deep");
        ++pos_;
        if (!at_end() && peek() == '?') {
          if (pos_ + 1 < re_.size() && re_[pos_ + 1] == ':') {
            pos_ += 2;
          } else {
            return not_handled("group flags, names or lookaround");
          }
        }
        SG_ASSIGN_OR_RETURN(int inner, alternation());
        if (at_end() || peek() != ')') return not_handled("missing ')'");
        ++pos_;
        --depth_;
        return inner;
      }
      case '[':
        return bracket();
      case '\\':
        return escape();
      case '.':
        ++pos_;
        return atom(".");
      case '^':
      case '$':
        return not_handled("anchor");
      case '*':
      case '+':
      case '?':
      case '{':
        return not_handled("repetition without an argument");
      case ')':
      case '|':
        return not_handled("internal: empty piece");  // concatenation stops first
      default: {
        ++pos_;
        CharSet set;
        set[static_cast<unsigned char>(c)] = true;
        return set_node(set);
      }
    }
  }

  // A bracket class: only its extent is ours to find; RE2 says what it holds.
  Result<int> bracket() {
    const size_t start = pos_;
    ++pos_;
    if (!at_end() && peek() == '^') ++pos_;
    if (!at_end() && peek() == ']') ++pos_;  // `[]a]`: a leading ']' is literal
    for (;;) {
      if (at_end()) return not_handled("missing ']'");
      const char c = peek();
      if (c == ']') break;
      if (c == '[' && pos_ + 1 < re_.size() && re_[pos_ + 1] == ':') {
        return not_handled("POSIX class");  // where it ends is RE2's business
      }
      if (c == '\\') {
        ++pos_;
        if (at_end()) return not_handled("trailing '\\'");
        const char e = peek();
        if ((e == 'p' || e == 'P' || e == 'x') && pos_ + 1 < re_.size() && re_[pos_ + 1] == '{') {
          const size_t close = re_.find('}', pos_);
          if (close == std::string_view::npos) return not_handled("missing '}'");
          pos_ = close;
        }
      }
      ++pos_;
    }
    ++pos_;
    return atom(std::string(re_.substr(start, pos_ - start)));
  }

  // An escape outside brackets. Only escapes that stand for one character
  // or a class are ours; assertions (\b \A \z), \Q..\E, \C, octal and
  // backreference digits go back to RE2.
  Result<int> escape() {
    const size_t start = pos_;
    ++pos_;
    if (at_end()) return not_handled("trailing '\\'");
    const char e = peek();
    ++pos_;
    if (e == 'p' || e == 'P' || e == 'x') {
      if (!at_end() && peek() == '{') {
        const size_t close = re_.find('}', pos_);
        if (close == std::string_view::npos) return not_handled("missing '}'");
        pos_ = close + 1;
      } else {
        pos_ += e == 'x' ? 2 : 1;  // \xHH, \pL
        if (pos_ > re_.size()) return not_handled("short escape");
      }
    } else if (std::isalnum(static_cast<unsigned char>(e)) && !std::strchr("dDwWsStnrfva", e)) {
      return not_handled(std::string("escape \\") + e);
    }
    return atom(std::string(re_.substr(start, pos_ - start)));
  }

  Result<int> atom(const std::string& text) {
    if (text.find("\\p") != std::string::npos || text.find("\\P") != std::string::npos ||
        text.find("\\x{") != std::string::npos) {
      heavy_atoms = true;
    }
    const std::optional<CharSet> set = ascii_members(text);
    if (!set) return not_handled("RE2 does not read '" + text + "' as one character");
    return set_node(*set);
  }

  int set_node(const CharSet& set) {
    auto it = std::find(sets.begin(), sets.end(), set);
    Node n;
    n.kind = Node::atom;
    n.set = static_cast<int>(it - sets.begin());
    if (it == sets.end()) sets.push_back(set);
    return add(std::move(n));
  }

  std::string_view re_;
  size_t pos_ = 0;
  int depth_ = 0;
};

// Thompson automaton: a state either consumes one character of `set` and
// goes to `to`, or moves on without input along its epsilon edges.
struct NState {
  int set = -1;
  int to = -1;
};

class NfaBuilder {
 public:
  explicit NfaBuilder(const std::vector<Node>& nodes) : nodes_(nodes) {}

  std::vector<NState> states;

  // (entry, exit) of the fragment for node `n`; false when too big.
  bool emit(int n, int& in, int& out) {
    const Node& node = nodes_[static_cast<size_t>(n)];
    switch (node.kind) {
      case Node::empty:
        in = out = fresh();
        break;
      case Node::atom:
        in = fresh();
        out = fresh();
        states[static_cast<size_t>(in)].set = node.set;
        states[static_cast<size_t>(in)].to = out;
        break;
      case Node::concat: {
        in = out = fresh();
        for (int k : node.kids) {
          int a, b;
          if (!emit(k, a, b)) return false;
          link(out, a);
          out = b;
        }
        break;
      }
      case Node::alt: {
        in = fresh();
        out = fresh();
        for (int k : node.kids) {
          int a, b;
          if (!emit(k, a, b)) return false;
          link(in, a);
          link(b, out);
        }
        break;
      }
      case Node::repeat: {
        const int kid = node.kids[0];
        in = out = fresh();
        for (int i = 0; i < node.min; ++i) {
          int a, b;
          if (!emit(kid, a, b)) return false;
          link(out, a);
          out = b;
        }
        if (node.max < 0) {  // then any number more: a loop
          int a, b;
          if (!emit(kid, a, b)) return false;
          const int loop = fresh();
          link(out, loop);
          link(loop, a);
          link(b, loop);
          out = loop;
        } else if (node.max > node.min) {
          // Up to (max - min) optional copies, nested: `(x(x(x)?)?)?`, so
          // the subset construction tracks one position per count.
          const int end = fresh();
          for (int i = node.min; i < node.max; ++i) {
            int a, b;
            if (!emit(kid, a, b)) return false;
            link(out, a);
            link(out, end);
            out = b;
          }
          link(out, end);
          out = end;
        }
        break;
      }
    }
    return states.size() <= kMaxNfaStates;
  }

  void link(int from, int to) { edges.emplace_back(from, to); }

  // Epsilon edges grouped by source (one allocation, not one per state):
  // the targets of state s are eps_to[eps_begin[s] .. eps_begin[s + 1]).
  void index_edges() {
    eps_begin.assign(states.size() + 1, 0);
    for (const auto& [from, to] : edges) ++eps_begin[static_cast<size_t>(from) + 1];
    for (size_t i = 1; i < eps_begin.size(); ++i) eps_begin[i] += eps_begin[i - 1];
    eps_to.resize(edges.size());
    std::vector<int> fill(eps_begin.begin(), eps_begin.end() - 1);
    for (const auto& [from, to] : edges)
      eps_to[static_cast<size_t>(fill[static_cast<size_t>(from)]++)] = to;
  }

  std::vector<std::pair<int, int>> edges;
  std::vector<int> eps_begin;
  std::vector<int> eps_to;

 private:
  int fresh() {
    states.emplace_back();
    return static_cast<int>(states.size() - 1);
  }
  const std::vector<Node>& nodes_;
};

}  // namespace

// ASCII membership of one atom (`[..]`, `\d`, `\p{L}`, `.`, `\.`), asked of
// RE2. Patterns share atoms (`[a-zA-Z0-9]`, `[0-9]`), and a one-file check
// compiles a handful of patterns, so answers are kept for the process.
std::optional<std::bitset<128>> ascii_members(const std::string& atom) {
  static std::mutex mu;
  static std::unordered_map<std::string, std::optional<std::bitset<128>>> cache;
  {
    std::lock_guard<std::mutex> lock(mu);
    auto it = cache.find(atom);
    if (it != cache.end()) return it->second;
  }
  std::optional<std::bitset<128>> out;
  // Latin-1 refuses escapes above \x{FF} (`[^\n\x{2028}]`); the UTF-8
  // program of one class gives the same ASCII answers, just slower to build.
  std::optional<RE2> latin1(std::in_place, atom, latin1_options());
  std::optional<RE2> utf8;
  if (!latin1->ok()) utf8.emplace(atom, utf8_options());
  const RE2& re = utf8 ? *utf8 : *latin1;
  // An atom consumes exactly one character: matching "" would mean our
  // parser cut the pattern somewhere RE2 does not.
  if (re.ok() && !RE2::FullMatch(std::string_view(), re)) {
    std::bitset<128> set;
    for (int c = 0; c < 128; ++c) {
      const char ch = static_cast<char>(c);
      set[static_cast<size_t>(c)] = RE2::FullMatch(std::string_view(&ch, 1), re);
    }
    out = set;
  }
  std::lock_guard<std::mutex> lock(mu);
  cache.emplace(atom, out);
  return out;
}


Result<AsciiDfa> AsciiDfa::build(std::string_view regex) {
  Parser parser(regex);
  SG_ASSIGN_OR_RETURN(int root, parser.parse());
  // Our parser accepts only what RE2 accepts (it refuses RE2's errors and
  // limits itself); for atoms naming other code points RE2 also decides
  // whether the UTF-8 program fits (see kMaxAtomCopies). A pattern RE2
  // rejects is reported and left unchecked by the caller, never matched here.
  if (parser.heavy_atoms) {
    const RE2 utf8(regex, utf8_options());
    if (!utf8.ok()) return not_handled("RE2 rejects it: " + utf8.error());
  }

  NfaBuilder nfa(parser.nodes);
  int nfa_start, nfa_final;
  if (!nfa.emit(root, nfa_start, nfa_final)) return not_handled("automaton too large");
  nfa.index_edges();
  const std::vector<NState>& ns = nfa.states;

  // Byte equivalence classes: ASCII characters that every atom treats alike
  // move the automaton alike. Class 0 is every non-ASCII byte.
  AsciiDfa dfa;
  std::vector<unsigned char> representative;  // an ASCII character per class (index - 1)
  {
    std::map<std::vector<bool>, uint8_t> by_signature;
    for (int c = 0; c < 128; ++c) {
      std::vector<bool> sig(parser.sets.size());
      for (size_t i = 0; i < parser.sets.size(); ++i)
        sig[i] = parser.sets[i][static_cast<size_t>(c)];
      auto [it, inserted] =
          by_signature.emplace(std::move(sig), static_cast<uint8_t>(by_signature.size() + 1));
      if (inserted) representative.push_back(static_cast<unsigned char>(c));
      dfa.classes_[c] = it->second;
    }
    for (int c = 128; c < 256; ++c) dfa.classes_[c] = 0;
    dfa.nclasses_ = static_cast<uint32_t>(representative.size() + 1);
  }

  // A DFA state is the set of consuming NFA states (plus the final one)
  // reachable without input; the empty set is kDead. States whose atom
  // holds no ASCII character stay in the set: a non-ASCII character could
  // still move them, so the set is not dead.
  //
  // Closures are computed once per consuming state (what follows its
  // character) and merged, rather than walked again for every transition.
  std::vector<uint32_t> mark(ns.size(), 0);
  uint32_t stamp = 0;
  std::vector<int> stack;
  auto closure_into = [&](int from, std::vector<int>& key) {
    stack.assign(1, from);
    while (!stack.empty()) {
      const int s = stack.back();
      stack.pop_back();
      if (mark[static_cast<size_t>(s)] == stamp) continue;
      mark[static_cast<size_t>(s)] = stamp;
      const NState& st = ns[static_cast<size_t>(s)];
      if (st.set >= 0 || s == nfa_final) key.push_back(s);
      for (int e = nfa.eps_begin[static_cast<size_t>(s)];
           e < nfa.eps_begin[static_cast<size_t>(s) + 1]; ++e) {
        stack.push_back(nfa.eps_to[static_cast<size_t>(e)]);
      }
    }
  };
  // follow[follow_begin[s] .. follow_begin[s + 1]) for consuming state s.
  std::vector<int> follow;
  std::vector<size_t> follow_begin(ns.size() + 1, 0);
  for (size_t s = 0; s < ns.size(); ++s) {
    if (ns[s].set >= 0) {
      ++stamp;
      closure_into(ns[s].to, follow);
    }
    follow_begin[s + 1] = follow.size();
  }

  struct KeyHash {
    size_t operator()(const std::vector<int>& k) const {
      uint64_t h = 1469598103934665603ull;
      for (int v : k) h = (h ^ static_cast<uint32_t>(v)) * 1099511628211ull;
      return static_cast<size_t>(h);
    }
  };
  std::unordered_map<std::vector<int>, uint32_t, KeyHash> ids;
  std::vector<std::vector<int>> subsets;
  subsets.emplace_back();  // kDead
  subsets.emplace_back();  // kNotAscii
  dfa.accept_ = {0, 0};
  auto intern = [&](std::vector<int>& key) -> std::optional<uint32_t> {
    if (key.empty()) return kDead;
    std::sort(key.begin(), key.end());
    auto it = ids.find(key);
    if (it != ids.end()) return it->second;
    if (subsets.size() >= kMaxStates) return std::nullopt;
    const auto id = static_cast<uint32_t>(subsets.size());
    dfa.accept_.push_back(std::binary_search(key.begin(), key.end(), nfa_final) ? 1 : 0);
    ids.emplace(key, id);
    subsets.push_back(key);
    return id;
  };

  std::vector<int> key;
  ++stamp;
  closure_into(nfa_start, key);
  const std::optional<uint32_t> start = intern(key);
  if (!start) return not_handled("too many states");
  const uint32_t n = dfa.nclasses_;
  // Transitions hold the target's row offset (state * n), so matching does
  // no multiplication.
  // Rows are filled in state order, so each is appended. Within a row,
  // classes that advance the same members lead to the same state: with at
  // most 64 members, that set is a bit mask and is interned once.
  std::vector<std::pair<uint64_t, uint32_t>> row_targets;
  std::vector<int> members;
  for (size_t d = 0; d < subsets.size(); ++d) {
    if (d == kDead || d == kNotAscii) {
      dfa.trans_.insert(dfa.trans_.end(), n, static_cast<uint32_t>(d) * n);
      continue;
    }
    dfa.trans_.push_back(kNotAscii * n);
    row_targets.clear();
    members = subsets[d];  // a copy: interning below may grow `subsets`
    const bool maskable = members.size() <= 64;
    for (uint32_t k = 1; k < n; ++k) {
      const unsigned char r = representative[k - 1];
      uint64_t mask = 0;
      for (size_t i = 0; maskable && i < members.size(); ++i) {
        const NState& st = ns[static_cast<size_t>(members[i])];
        if (st.set >= 0 && parser.sets[static_cast<size_t>(st.set)][r]) mask |= uint64_t{1} << i;
      }
      if (maskable) {
        auto same = std::find_if(row_targets.begin(), row_targets.end(),
                                 [mask](const auto& e) { return e.first == mask; });
        if (same != row_targets.end()) {
          dfa.trans_.push_back(same->second * n);
          continue;
        }
      }
      key.clear();
      ++stamp;
      for (int s : members) {
        const NState& st = ns[static_cast<size_t>(s)];
        if (st.set < 0 || !parser.sets[static_cast<size_t>(st.set)][r]) continue;
        for (size_t i = follow_begin[static_cast<size_t>(s)];
             i < follow_begin[static_cast<size_t>(s) + 1]; ++i) {
          const int f = follow[i];
          if (mark[static_cast<size_t>(f)] != stamp) {
            mark[static_cast<size_t>(f)] = stamp;
            key.push_back(f);
          }
        }
      }
      const std::optional<uint32_t> to = intern(key);
      if (!to) return not_handled("too many states");
      if (maskable) row_targets.emplace_back(mask, *to);
      dfa.trans_.push_back(*to * n);
    }
  }
  dfa.start_ = *start * n;
  dfa.number_looping_states_last();
  return dfa;
}

void AsciiDfa::number_looping_states_last() {
  const uint32_t n = nclasses_;
  const size_t states = accept_.size();
  auto loops_on = [&](size_t state, int c) {
    return trans_[state * n + classes_[c]] == state * n;
  };
  // New numbers: kDead and kNotAscii keep theirs, then the other states in
  // order, then the looping ones.
  std::vector<uint32_t> renumber(states);
  std::vector<size_t> looping;
  uint32_t next = 0;
  for (size_t st = 0; st < states; ++st) {
    size_t stay = 0;
    for (int c = 0; st > kNotAscii && c < 128; ++c) stay += loops_on(st, c) ? 1 : 0;
    if (stay >= kLoopMin) {
      looping.push_back(st);
    } else {
      renumber[st] = next++;
    }
  }
  if (looping.empty()) return;
  const uint32_t first_looping = next;
  loops_.assign(looping.size() * 256, 0);
  for (size_t k = 0; k < looping.size(); ++k) {
    renumber[looping[k]] = next++;
    for (int c = 0; c < 128; ++c) loops_[k * 256 + static_cast<size_t>(c)] = loops_on(looping[k], c) ? 1 : 0;
  }
  std::vector<uint32_t> trans(trans_.size());
  std::vector<uint8_t> accept(states);
  for (size_t st = 0; st < states; ++st) {
    const size_t to = renumber[st];
    accept[to] = accept_[st];
    for (uint32_t k = 0; k < n; ++k) trans[to * n + k] = renumber[trans_[st * n + k] / n] * n;
  }
  trans_ = std::move(trans);
  accept_ = std::move(accept);
  start_ = renumber[start_ / n] * n;
  loop_from_ = first_looping * n;
}

}  // namespace sageguard::api_model
