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

void ListeningSocket::unlink_if_ours() const {
    struct stat there {};
    if (::lstat(path.c_str(), &there) == 0 && there.st_ino == ino && there.st_dev == dev) ::unlink(path.c_str());
}

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

Expected<ListeningSocket> listen_own_socket(const std::string& path, int type) {
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
    if (::bind(sock.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) return Error::from_errno(errno, path);
    // Nobody can connect before listen(), so making it 0600 in between
    // leaves no window (umask would, but it is process-wide).
    if (::fchmodat(dir.get(), std::string(basename_of(path)).c_str(), 0600, 0) != 0) return Error::from_errno(errno, path);
    struct stat bound {};
    if (::lstat(path.c_str(), &bound) != 0) return Error::from_errno(errno, path);
    if (::listen(sock.get(), 64) != 0) return Error::from_errno(errno, path);
    return ListeningSocket{std::move(sock), path, bound.st_dev, bound.st_ino};
}

}  // namespace idx
