#include "common/unix_socket.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/lexical_path.h"

namespace idx {
namespace {

// A socket address for `path` that fits sun_path however deep the folder
// is: the folder is reached through /proc/self/fd. `dir` keeps that
// descriptor open for as long as the address is used.
bool socket_address(const std::string& path, UniqueFd& dir, sockaddr_un& addr) {
    dir = UniqueFd(::open(dirname_of(path).c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!dir) return false;
    const std::string via = "/proc/self/fd/" + std::to_string(dir.get()) + "/" + std::string(basename_of(path));
    if (via.size() >= sizeof addr.sun_path) return false;
    std::memset(&addr, 0, sizeof addr);
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, via.c_str(), via.size() + 1);
    return true;
}

}  // namespace

long peer_uid(int fd) {
    ucred peer{};
    socklen_t len = sizeof peer;
    if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &peer, &len) != 0) return -1;
    return static_cast<long>(peer.uid);
}

UniqueFd connect_own_socket(const std::string& path, int type) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0 || !S_ISSOCK(st.st_mode) || st.st_uid != ::geteuid()) return {};
    UniqueFd dir;
    sockaddr_un addr;
    if (!socket_address(path, dir, addr)) return {};
    UniqueFd sock(::socket(AF_UNIX, type | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    // A stale socket refuses; a full backlog says EAGAIN.
    if (!sock || ::connect(sock.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) return {};
    if (peer_uid(sock.get()) != static_cast<long>(::geteuid())) return {};
    return sock;
}

Expected<UniqueFd> listen_own_socket(const std::string& path, int type) {
    UniqueFd dir;
    sockaddr_un addr;
    if (!socket_address(path, dir, addr)) {
        return Error::io(path + ": cannot make a socket address for it (folder missing or name too long)");
    }
    UniqueFd sock(::socket(AF_UNIX, type | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    if (!sock) return Error::from_errno(errno, "socket");
    struct stat st {};
    if (::lstat(path.c_str(), &st) == 0) {
        if (!S_ISSOCK(st.st_mode)) return Error::io(path + ": exists and is not a socket; remove it");
        ::unlink(path.c_str());
    }
    const mode_t old = ::umask(0077);
    const int rc = ::bind(sock.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr);
    const int err = errno;
    ::umask(old);
    if (rc != 0) return Error::from_errno(err, path);
    if (::listen(sock.get(), 64) != 0) return Error::from_errno(errno, path);
    return sock;
}

}  // namespace idx
