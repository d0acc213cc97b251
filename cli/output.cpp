#include "output.h"

#include <unistd.h>

#include <cerrno>

namespace idx::cli {

void Output::write_all(std::string_view s) {
    while (!s.empty() && !closed_) {
        ssize_t n = ::write(fd_, s.data(), s.size());
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
