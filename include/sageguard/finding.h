// A policy violation as data (never an error): which rule, how severe, where
// in which file and resource, and whether `fix` can repair it. Reporters turn
// vectors of these into text, JSON, SARIF or HTML. Plain value types,
// thread-safe as values are.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sageguard/policy.h"
#include "sageguard/result.h"

namespace sageguard {

struct ResourceRef {
  std::string kind;    // "TrainingJob", ...; "Policy" for findings about the policy itself
  std::string name;
  std::string arn;     // audit only
  std::string region;  // audit only
  std::string id;      // infrastructure as code: logical id, state name or Terraform address
  std::string account;  // audit of several accounts only: the 12-digit id
};

struct Finding {
  std::string rule;
  Severity severity = Severity::error;
  std::string file;  // empty for audit findings
  uint32_t line = 0;
  uint32_t column = 0;
  ResourceRef resource;
  std::string path;  // RFC 6901 pointer into the resource
  std::string message;
  bool fixable = false;
};

// A finding that a waiver in the policy accepted.
struct WaivedFinding {
  Finding finding;
  std::string reason;
  std::string expires;
};

struct CheckSummary {
  int files = 0;
  int resources = 0;
  int skipped = 0;  // files found by walking a folder that hold no known kind (or not --kind)
  int unreadable = 0;  // files that could not be read or parsed (each a parse.error finding)
  int error = 0;
  int warning = 0;
  int note = 0;
  int unresolved = 0;  // values the files cannot know, left unchecked (Resource::unresolved_values)

  // Counts one active finding.
  void add(Severity s) {
    if (s == Severity::error) ++error;
    if (s == Severity::warning) ++warning;
    if (s == Severity::note) ++note;
  }
  // Adds another result's resources, skipped files and findings (files are
  // the caller's to count: a file checked in pieces is still one).
  void add_counts(const CheckSummary& o) {
    resources += o.resources;
    skipped += o.skipped;
    unreadable += o.unreadable;
    unresolved += o.unresolved;
    error += o.error;
    warning += o.warning;
    note += o.note;
  }
};

// A file found by walking a folder and left unchecked, and why ("not a
// SageMaker document", or what it looks like instead of the --kind asked for).
struct SkippedFile {
  std::string file;
  std::string reason;
  bool not_sagemaker = true;  // false: a SageMaker document, not of the --kind asked for
};

struct CheckResult {
  std::string policy;  // the policy's source ("<built-in>" or a path)
  std::vector<Finding> findings;
  std::vector<WaivedFinding> waived;
  CheckSummary summary;
  std::vector<SkippedFile> skipped;
  // Files that could not be read, parsed or recognised, in input order, with
  // the source line for a caret. Each is also a parse.error finding in
  // `findings`, at its file's place.
  std::vector<Error> errors;
};

// True if any finding is at or above `threshold`.
bool has_findings_at_or_above(const CheckResult& r, Severity threshold);

}  // namespace sageguard
