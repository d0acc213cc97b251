#include "sibling_executable.h"

#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>

namespace idx::cli {

bool beside_this_executable(const char* file, char* path) {
    const auto room = static_cast<ssize_t>(PATH_MAX - std::strlen(file) - 1);
    const ssize_t n = ::readlink("/proc/self/exe", path, static_cast<size_t>(room));
    if (n <= 0 || n >= room) {  // n == room: the path may have been cut short
        std::fputs("idx: cannot locate the idx executable (/proc/self/exe)\n", stderr);
        return false;
    }
    path[n] = '\0';
    char* slash = std::strrchr(path, '/');
    std::strcpy(slash ? slash + 1 : path, file);
    return true;
}

int exec_sibling(const char* file, char** argv) {
    char path[PATH_MAX];
    if (!beside_this_executable(file, path)) return 2;
    ::execv(path, argv);
    std::fprintf(stderr, "idx: cannot run %s: %s\n", path, std::strerror(errno));
    return 2;
}

}  // namespace idx::cli
