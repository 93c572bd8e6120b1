// A small, bounded XML reader for the answers of the AWS query protocol
// (EC2): elements, text, the five predefined entities and numeric character
// references, comments, CDATA and the XML declaration. No DTDs, no
// namespaces beyond keeping the prefix in the name. Enough for
// DescribeRegions and the <Errors> document; pure functions, thread-safe.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sageguard/result.h"

namespace sageguard::aws::xml {

struct Element {
  std::string name;   // as written, e.g. "regionInfo"
  std::string text;   // the element's own character data, entities decoded
  std::vector<std::unique_ptr<Element>> children;

  // The first child called `name`, or nullptr.
  const Element* child(std::string_view name) const;
  // The text of the first child called `name`, or "" when there is none.
  std::string child_text(std::string_view name) const;
};

// Parses a whole document. Errors (ErrorCode::aws) name the byte offset.
// Nesting deeper than `max_depth` is refused rather than recursed into.
Result<std::unique_ptr<Element>> parse(std::string_view text, int max_depth = 64);

}  // namespace sageguard::aws::xml
