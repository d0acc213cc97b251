#include "common/file_io.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "common/unique_handle.h"

namespace idx {

namespace {

int read_fd(const UniqueFd& fd, std::string& buf) {
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) return errno;
    // Read the size fstat gave; then probe with a small buffer for a file
    // that grew (or a size fstat cannot know), instead of doubling a
    // buffer that is already full: for a 1 GB file that doubling zeroed
    // another gigabyte.
    buf.resize(static_cast<size_t>(st.st_size));
    size_t got = 0;
    char probe[65536];
    while (true) {
        const bool full = got == buf.size();
        char* into = full ? probe : buf.data() + got;
        const size_t room = full ? sizeof probe : buf.size() - got;
        const ssize_t n = ::read(fd.get(), into, room);
        if (n < 0) {
            if (errno == EINTR) continue;
            return errno;
        }
        if (n == 0) break;
        if (full) {
            buf.append(probe, static_cast<size_t>(n));
            got = buf.size();
        } else {
            got += static_cast<size_t>(n);
        }
    }
    buf.resize(got);
    return 0;
}

}  // namespace

int read_whole_file(const std::string& path, std::string& buf) {
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
    if (!fd) return errno;
    return read_fd(fd, buf);
}

UniqueFd open_directory(const std::string& path) {
    return UniqueFd(::open(path.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
}

int read_file_beneath(int root_fd, const std::string& rel, std::string& buf) {
    open_how how{};
    how.flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK;
    how.resolve = RESOLVE_BENEATH;
    UniqueFd fd(static_cast<int>(::syscall(SYS_openat2, root_fd, rel.c_str(), &how, sizeof how)));
    if (!fd) return errno;
    return read_fd(fd, buf);
}

}  // namespace idx
