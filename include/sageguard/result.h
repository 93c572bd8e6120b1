// Errors as values: every fallible library call returns Result<T>, which holds
// either a T or an Error. The library never throws across its API; the CLI maps
// an Error's code to an exit status. Not thread-safe to share a single Result
// between threads while one of them moves out of it (like any value type).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <variant>

namespace sageguard {

// Closed set of failure classes. The CLI maps them to exit codes:
// usage/input/policy/io -> 2, aws -> 3, internal -> 2 as well (never a crash).
enum class ErrorCode {
  usage,     // bad command line
  input,     // unreadable or invalid input document
  policy,    // invalid policy file
  io,        // cannot read/write a file
  aws,       // AWS call failed after retries
  internal,  // a bug; reported, never hidden
};

// What went wrong and, when it is about a file, where. `line`/`column` are
// 1-based; 0 means "not known". `source_line` is the text of the offending
// line (without newline) so the CLI can print a caret under `column`.
struct Error {
  ErrorCode code = ErrorCode::internal;
  std::string message;
  std::string file;
  uint32_t line = 0;
  uint32_t column = 0;
  std::string source_line;

  static Error make(ErrorCode c, std::string msg) {
    Error e;
    e.code = c;
    e.message = std::move(msg);
    return e;
  }
  static Error at(ErrorCode c, std::string file, uint32_t line, uint32_t column,
                  std::string msg) {
    Error e;
    e.code = c;
    e.file = std::move(file);
    e.line = line;
    e.column = column;
    e.message = std::move(msg);
    return e;
  }
  // "FILE:LINE:COL: message", omitting the parts that are unknown.
  std::string describe() const;
};

// Exit status for an error, per the product contract (2 input, 3 AWS).
int exit_code_for(const Error& e);

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}          // NOLINT(google-explicit-constructor)
  Result(Error error) : v_(std::move(error)) {}      // NOLINT(google-explicit-constructor)

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &std::get<0>(v_); }
  const T* operator->() const { return &std::get<0>(v_); }
  T& operator*() & { return std::get<0>(v_); }
  const T& operator*() const& { return std::get<0>(v_); }

  const Error& error() const& { return std::get<1>(v_); }
  Error&& error() && { return std::get<1>(std::move(v_)); }

 private:
  std::variant<T, Error> v_;
};

// Result of an operation that yields nothing but may fail.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error error) : err_(std::move(error)), failed_(true) {}  // NOLINT
  static Status success() { return {}; }

  bool ok() const { return !failed_; }
  explicit operator bool() const { return ok(); }
  const Error& error() const& { return err_; }
  Error&& error() && { return std::move(err_); }

 private:
  Error err_;
  bool failed_ = false;
};

}  // namespace sageguard

// Propagate an error from an expression returning Result<T>/Status.
#define SG_CONCAT_INNER(a, b) a##b
#define SG_CONCAT(a, b) SG_CONCAT_INNER(a, b)
#define SG_TRY(expr)                                     \
  do {                                                   \
    auto&& sg_try_result_ = (expr);                      \
    if (!sg_try_result_.ok()) return std::move(sg_try_result_).error(); \
  } while (0)
// Bind the value of a Result<T> expression to `decl`, or return its error.
#define SG_ASSIGN_OR_RETURN(decl, expr) \
  SG_ASSIGN_OR_RETURN_IMPL(SG_CONCAT(sg_res_, __LINE__), decl, expr)
#define SG_ASSIGN_OR_RETURN_IMPL(tmp, decl, expr) \
  auto tmp = (expr);                              \
  if (!tmp.ok()) return std::move(tmp).error();   \
  decl = std::move(tmp).value()
