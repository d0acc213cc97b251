#include <unistd.h>

#include "common/unique_handle.h"

namespace idx {

void UniqueFd::reset(int fd) noexcept {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
}

}  // namespace idx
