// Errors as values, shared by the host and the C++ plugin SDK.
//
// Error carries one of the closed bz_status codes (mapped once to an HTTP
// status by the host), a stable UPPER_SNAKE code that clients branch on, and a
// human message. Result<T> is a T or an Error; Status is Result<void>.
#pragma once

#include <bazaar/plugin.h>

#include <string>
#include <utility>
#include <variant>

namespace bazaar {

class Error {
 public:
  Error(bz_status status, std::string code, std::string message)
      : status_(status), code_(std::move(code)), message_(std::move(message)) {}

  bz_status status() const { return status_; }
  const std::string& code() const { return code_; }
  const std::string& message() const { return message_; }

 private:
  bz_status status_;
  std::string code_;
  std::string message_;
};

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Error error) : v_(std::move(error)) {}  // NOLINT: implicit by design

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &std::get<0>(v_); }
  const T* operator->() const { return &std::get<0>(v_); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT: implicit by design

  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const { return error_; }

 private:
  Error error_{BZ_OK, "", ""};
  bool ok_ = true;
};

using Status = Result<void>;

inline Status ok_status() { return {}; }

inline Error invalid_argument(std::string code, std::string message) {
  return {BZ_INVALID_ARGUMENT, std::move(code), std::move(message)};
}
inline Error not_found(std::string code, std::string message) {
  return {BZ_NOT_FOUND, std::move(code), std::move(message)};
}
inline Error conflict(std::string code, std::string message) {
  return {BZ_CONFLICT, std::move(code), std::move(message)};
}
inline Error failed_precondition(std::string code, std::string message) {
  return {BZ_FAILED_PRECONDITION, std::move(code), std::move(message)};
}
inline Error unavailable(std::string code, std::string message) {
  return {BZ_UNAVAILABLE, std::move(code), std::move(message)};
}
inline Error internal_error(std::string message) {
  return {BZ_INTERNAL, "INTERNAL", std::move(message)};
}

// The one mapping from status code to HTTP status.
constexpr int http_status_of(bz_status s) {
  switch (s) {
    case BZ_OK: return 200;
    case BZ_INVALID_ARGUMENT: return 400;
    case BZ_UNAUTHENTICATED: return 401;
    case BZ_PERMISSION_DENIED: return 403;
    case BZ_NOT_FOUND: return 404;
    case BZ_CONFLICT: return 409;
    case BZ_FAILED_PRECONDITION: return 422;
    case BZ_RATE_LIMITED: return 429;
    case BZ_UNAVAILABLE: return 503;
    case BZ_INTERNAL: return 500;
  }
  return 500;
}

}  // namespace bazaar

// Propagates an error from an expression returning Status or Result<T>.
#define BAZAAR_RETURN_IF_ERROR(expr)                     \
  do {                                                   \
    auto bazaar_status_ = (expr);                        \
    if (!bazaar_status_.ok()) return bazaar_status_.error(); \
  } while (0)

// Declares or assigns `lhs` from an expression returning Result<T>, or returns
// its error: BAZAAR_ASSIGN_OR_RETURN(auto order, load(txn, id));
#define BAZAAR_ASSIGN_OR_RETURN(lhs, expr) \
  BAZAAR_ASSIGN_OR_RETURN_IMPL_(BAZAAR_RESULT_CONCAT_(bazaar_result_, __LINE__), lhs, expr)
#define BAZAAR_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                   \
  if (!tmp.ok()) return tmp.error();                   \
  lhs = std::move(*tmp)
#define BAZAAR_RESULT_CONCAT_(a, b) BAZAAR_RESULT_CONCAT_INNER_(a, b)
#define BAZAAR_RESULT_CONCAT_INNER_(a, b) a##b
