// An iterative (explicit stack) XML reader: a hostile or broken answer can
// neither recurse us out of stack nor make us read past its end.
#include "aws/xml_lite.h"
#include "util/strings.h"
#include "util/utf8.h"

#include <cstdint>

namespace sageguard::aws::xml {

const Element* Element::child(std::string_view n) const {
  for (const auto& c : children) {
    if (c->name == n) return c.get();
  }
  return nullptr;
}

std::string Element::child_text(std::string_view n) const {
  const Element* c = child(n);
  return c ? c->text : std::string();
}

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

bool is_name_char(char c) {
  return c != '>' && c != '/' && c != '=' && c != '<' && !is_space(c) && c != '"' && c != '\'';
}

// Decodes one "&...;" at text[i] into `out`; returns the index after ';'.
Result<size_t> decode_entity(std::string_view text, size_t i, std::string& out) {
  const size_t semi = text.find(';', i);
  if (semi == std::string_view::npos || semi - i > 12) {
    return Error::make(ErrorCode::aws, "XML: bad entity at byte " + std::to_string(i));
  }
  const std::string_view ent = text.substr(i + 1, semi - i - 1);
  if (ent == "amp") {
    out += '&';
  } else if (ent == "lt") {
    out += '<';
  } else if (ent == "gt") {
    out += '>';
  } else if (ent == "quot") {
    out += '"';
  } else if (ent == "apos") {
    out += '\'';
  } else if (ent.size() >= 2 && ent[0] == '#') {
    const bool hex = ent[1] == 'x' || ent[1] == 'X';
    std::string_view digits = ent.substr(hex ? 2 : 1);
    uint32_t cp = 0;
    if (digits.empty()) return Error::make(ErrorCode::aws, "XML: empty character reference");
    for (char c : digits) {
      const int v = hex ? hex_digit_value(c) : (c >= '0' && c <= '9' ? c - '0' : -1);
      if (v < 0) return Error::make(ErrorCode::aws, "XML: bad character reference");
      cp = cp * (hex ? 16 : 10) + static_cast<uint32_t>(v);
      if (cp > 0x10FFFF) return Error::make(ErrorCode::aws, "XML: character reference out of range");
    }
    if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return Error::make(ErrorCode::aws, "XML: invalid character reference");
    }
    utf8_append(out, cp);
  } else {
    return Error::make(ErrorCode::aws, "XML: unknown entity '" + std::string(ent) + "'");
  }
  return semi + 1;
}

Error bad(const char* what, size_t at) {
  return Error::make(ErrorCode::aws, std::string("XML: ") + what + " at byte " + std::to_string(at));
}

}  // namespace

Result<std::unique_ptr<Element>> parse(std::string_view text, int max_depth) {
  std::unique_ptr<Element> root;
  std::vector<Element*> open;  // the path from the root to the current element
  size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c != '<') {
      if (open.empty()) {
        if (!is_space(c)) return bad("text outside the root element", i);
        ++i;
        continue;
      }
      if (c == '&') {
        SG_ASSIGN_OR_RETURN(i, decode_entity(text, i, open.back()->text));
      } else {
        open.back()->text += c;
        ++i;
      }
      continue;
    }
    std::string_view rest = text.substr(i);
    if (rest.starts_with("<?")) {
      const size_t end = text.find("?>", i + 2);
      if (end == std::string_view::npos) return bad("unterminated processing instruction", i);
      i = end + 2;
    } else if (rest.starts_with("<!--")) {
      const size_t end = text.find("-->", i + 4);
      if (end == std::string_view::npos) return bad("unterminated comment", i);
      i = end + 3;
    } else if (rest.starts_with("<![CDATA[")) {
      const size_t end = text.find("]]>", i + 9);
      if (end == std::string_view::npos || open.empty()) return bad("misplaced CDATA", i);
      open.back()->text.append(text.substr(i + 9, end - i - 9));
      i = end + 3;
    } else if (rest.starts_with("<!")) {
      return bad("DTDs are not accepted", i);
    } else if (rest.starts_with("</")) {
      size_t j = i + 2;
      while (j < text.size() && is_name_char(text[j])) ++j;
      const std::string_view name = text.substr(i + 2, j - i - 2);
      while (j < text.size() && is_space(text[j])) ++j;
      if (j >= text.size() || text[j] != '>') return bad("bad end tag", i);
      if (open.empty() || open.back()->name != name) return bad("mismatched end tag", i);
      open.pop_back();
      i = j + 1;
    } else {
      size_t j = i + 1;
      while (j < text.size() && is_name_char(text[j])) ++j;
      if (j == i + 1) return bad("empty element name", i);
      auto el = std::make_unique<Element>();
      el->name = std::string(text.substr(i + 1, j - i - 1));
      // Attributes are skipped (quoted values may hold '>' or '/').
      bool self_closing = false;
      for (;;) {
        if (j >= text.size()) return bad("unterminated start tag", i);
        const char d = text[j];
        if (d == '"' || d == '\'') {
          const size_t q = text.find(d, j + 1);
          if (q == std::string_view::npos) return bad("unterminated attribute value", j);
          j = q + 1;
        } else if (d == '>') {
          ++j;
          break;
        } else if (d == '/' && j + 1 < text.size() && text[j + 1] == '>') {
          self_closing = true;
          j += 2;
          break;
        } else {
          ++j;
        }
      }
      Element* raw = el.get();
      if (open.empty()) {
        if (root) return bad("second root element", i);
        root = std::move(el);
      } else {
        open.back()->children.push_back(std::move(el));
      }
      if (!self_closing) {
        if (static_cast<int>(open.size()) >= max_depth) return bad("nesting too deep", i);
        open.push_back(raw);
      }
      i = j;
    }
  }
  if (!root) return Error::make(ErrorCode::aws, "XML: no root element");
  if (!open.empty()) return Error::make(ErrorCode::aws, "XML: element <" + open.back()->name + "> not closed");
  return root;
}

}  // namespace sageguard::aws::xml
