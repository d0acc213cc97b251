// Expected<T>: a value or a typed Error. Library code returns these and never
// exits; only main() turns an Error into a message and an exit code.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <variant>

namespace idx {

enum class ErrorKind {
    kInvalidArgument,  // bad flag value, glob, regex, path given by the user
    kNotFound,         // a path or object that does not exist
    kIo,               // a failing system call on an existing object
    kPermission,       // EACCES / EPERM
    kCorrupt,          // a file that is not what it claims to be
    kUnsupported,      // valid input that this build cannot handle
    kLimitExceeded,    // a bound was reached: turns, deadline, size
    kCancelled,        // stopped on request (a client's cancel, SIGINT)
    kInternal,         // a broken invariant: always a bug
};

const char* to_string(ErrorKind kind) noexcept;

struct Error {
    ErrorKind kind = ErrorKind::kInternal;
    std::string message;  // one line, names the offending input
    // >= 0: a transient failure (a peer's 429 or 5xx, a reset connection)
    // that may succeed if retried after this many milliseconds (0: the peer
    // gave no hint; use backoff). -1: retrying would fail the same way.
    int64_t retry_after_ms = -1;

    static Error invalid(std::string msg) { return {ErrorKind::kInvalidArgument, std::move(msg)}; }
    static Error io(std::string msg) { return {ErrorKind::kIo, std::move(msg)}; }
    static Error not_found(std::string msg) { return {ErrorKind::kNotFound, std::move(msg)}; }
    static Error from_errno(int err, const std::string& context);
};

template <typename T>
class [[nodiscard]] Expected {
public:
    Expected(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
    Expected(Error error) : v_(std::move(error)) {}  // NOLINT

    bool ok() const noexcept { return v_.index() == 0; }
    explicit operator bool() const noexcept { return ok(); }

    T& value() & { return std::get<0>(v_); }
    const T& value() const& { return std::get<0>(v_); }
    T&& value() && { return std::get<0>(std::move(v_)); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }

    const Error& error() const& { return std::get<1>(v_); }
    Error&& error() && { return std::get<1>(std::move(v_)); }

private:
    std::variant<T, Error> v_;
};

// Expected<void>: success carries no value.
template <>
class [[nodiscard]] Expected<void> {
public:
    Expected() = default;
    Expected(Error error) : err_(std::move(error)), ok_(false) {}  // NOLINT

    bool ok() const noexcept { return ok_; }
    explicit operator bool() const noexcept { return ok_; }
    const Error& error() const& { return err_; }
    Error&& error() && { return std::move(err_); }

private:
    Error err_;
    bool ok_ = true;
};

}  // namespace idx
