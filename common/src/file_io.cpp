#include "common/file_io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "common/unique_handle.h"

namespace idx {

int read_whole_file(const std::string& path, std::string& buf) {
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
    if (!fd) return errno;
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) return errno;
    buf.resize(static_cast<size_t>(st.st_size));
    size_t got = 0;
    while (true) {
        if (got == buf.size()) buf.resize(std::max<size_t>(buf.size() * 2, 4096));  // it grew
        ssize_t n = ::read(fd.get(), buf.data() + got, buf.size() - got);
        if (n < 0) {
            if (errno == EINTR) continue;
            return errno;
        }
        if (n == 0) break;
        got += static_cast<size_t>(n);
    }
    buf.resize(got);
    return 0;
}

}  // namespace idx
