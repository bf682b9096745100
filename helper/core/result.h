// The one way a function of scsi-probe says it failed, unless it mirrors a
// kernel operation (a sysfs write: the errno, 0 when done, as the system
// call gives it): a Result holding the value or an Error that says, for a
// person, what failed and why, with the errno where one applies.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace scsi_probe {

struct Error {
  std::string message;
  int code = 0;  // an errno, or 0 when none applies
};

template <typename T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}
  Result(Error e) : v_(std::move(e)) {}

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& operator*() { return std::get<0>(v_); }
  const T& operator*() const { return std::get<0>(v_); }
  T* operator->() { return &std::get<0>(v_); }
  const T* operator->() const { return &std::get<0>(v_); }
  // Only when !ok().
  const Error& error() const { return std::get<1>(v_); }
  T value_or(T other) const { return ok() ? **this : std::move(other); }

 private:
  std::variant<T, Error> v_;
};

// A Result with no value: done, or why not.
using Status = Result<std::monostate>;
inline Status done() { return std::monostate{}; }

}  // namespace scsi_probe
