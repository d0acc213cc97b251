#include "common/expected.h"

#include <cerrno>
#include <cstring>

namespace idx {

const char* to_string(ErrorKind kind) noexcept {
    switch (kind) {
        case ErrorKind::kInvalidArgument: return "invalid argument";
        case ErrorKind::kNotFound: return "not found";
        case ErrorKind::kIo: return "I/O error";
        case ErrorKind::kPermission: return "permission denied";
        case ErrorKind::kCorrupt: return "corrupt";
        case ErrorKind::kUnsupported: return "unsupported";
        case ErrorKind::kLimitExceeded: return "limit exceeded";
        case ErrorKind::kCancelled: return "cancelled";
        case ErrorKind::kInternal: return "internal error";
    }
    return "unknown error";
}

Error Error::from_errno(int err, const std::string& context) {
    ErrorKind kind = ErrorKind::kIo;
    if (err == ENOENT || err == ENOTDIR) kind = ErrorKind::kNotFound;
    if (err == EACCES || err == EPERM) kind = ErrorKind::kPermission;
    return {kind, context + ": " + std::strerror(err)};
}

}  // namespace idx
