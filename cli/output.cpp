#include "output.h"

#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace idx::cli {

void Output::write_all(std::string_view s) {
    const bool cancellable = cancel_[0] >= 0 || cancel_[1] >= 0;
    while (!s.empty() && !closed_) {
        size_t chunk = s.size();
        if (cancellable) {
            pollfd p[3] = {{fd_, POLLOUT, 0}, {cancel_[0], POLLIN, 0}, {cancel_[1], POLLIN, 0}};  // poll skips fd -1
            if (::poll(p, 3, -1) < 0) {
                if (errno == EINTR) continue;
                closed_ = true;
                return;
            }
            if (p[1].revents != 0 || p[2].revents != 0) {
                closed_ = true;
                return;
            }
            chunk = std::min<size_t>(chunk, 4096);  // writable means at least a page free
        }
        ssize_t n = ::write(fd_, s.data(), chunk);
        if (n < 0) {
            if (errno == EINTR) continue;
            closed_ = true;  // EPIPE or a dead descriptor: nothing more can be shown
            return;
        }
        s.remove_prefix(static_cast<size_t>(n));
    }
}

void write_line(int fd, std::string_view line) {
    std::string s(line);
    s += '\n';
    Output(fd).write(s);
}

}  // namespace idx::cli
