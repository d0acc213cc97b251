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

int read_fd(const UniqueFd& fd, std::string& buf, std::optional<size_t> size_hint) {
    size_t size = 0;
    bool regular = true;  // a short read past the size is the end (not so for pipes and devices)
    if (size_hint) {
        size = *size_hint;
    } else {
        struct stat st {};
        if (::fstat(fd.get(), &st) != 0) return errno;
        size = static_cast<size_t>(st.st_size);
        regular = S_ISREG(st.st_mode);
    }
    // Ask for one byte more than the expected size: a short read of a
    // regular file is its end, so a file of the expected size (or smaller)
    // takes one read. A file that grew is read on through a small probe
    // buffer instead of doubling one that is already full (for a 1 GB file
    // that doubling zeroed another gigabyte).
    buf.resize(size + 1);
    size_t got = 0;
    char probe[65536];
    bool ended = false;
    while (!ended) {
        const bool full = got == buf.size();
        char* into = full ? probe : buf.data() + got;
        const size_t room = full ? sizeof probe : buf.size() - got;
        const ssize_t n = ::read(fd.get(), into, room);
        if (n < 0) {
            if (errno == EINTR) continue;
            return errno;
        }
        if (n == 0) break;
        // A short read ends a regular file once its expected size is in: a
        // read returns at most ~2 GiB, and procfs files report size 0.
        ended = regular && size > 0 && got + static_cast<size_t>(n) >= size && static_cast<size_t>(n) < room;
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

int read_whole_file(const std::string& path, std::string& buf, std::optional<size_t> size_hint) {
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
    if (!fd) return errno;
    return read_fd(fd, buf, size_hint);
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
    return read_fd(fd, buf, std::nullopt);
}

}  // namespace idx
