#include "indexer/watch_channel.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <xxhash.h>

#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdlib>
#include <cstring>

#include "common/lexical_path.h"

namespace idx::indexer {
namespace {

constexpr size_t kMaxReply = 256;

// A socket address for `path` that fits sun_path (108 bytes) however deep
// the index lives: the folder is reached through /proc/self/fd. `dir` keeps
// that descriptor open for as long as the address is used.
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

std::optional<WatcherReport> parse_reply(std::string_view line) {
    WatcherReport r;
    auto word = [&]() {
        auto sp = line.find(' ');
        std::string_view w = line.substr(0, sp);
        line = sp == std::string_view::npos ? std::string_view() : line.substr(sp + 1);
        return w;
    };
    const std::string_view state = word();
    if (state == "clean") {
        const std::string_view ns = word();
        auto [end, ec] = std::from_chars(ns.data(), ns.data() + ns.size(), r.updated_ns);
        if (ec != std::errc() || end != ns.data() + ns.size() || r.updated_ns <= 0) return std::nullopt;
        r.clean = true;
    } else if (state != "dirty") {
        return std::nullopt;
    }
    r.fingerprint = std::string(word());
    if (r.fingerprint.empty() || !line.empty()) return std::nullopt;
    return r;
}

}  // namespace

std::string watch_socket_path(const std::string& db_path) { return db_path + "-watch.sock"; }
std::string watch_lock_path(const std::string& db_path) { return db_path + "-watch.lock"; }

std::string watch_fingerprint(const WalkOptions& w, const std::string& root) {
    std::string s = "v1|" + root + "|";
    const IgnoreOptions& i = w.ignore;
    for (bool b : {i.hidden, i.no_ignore_vcs, i.no_ignore_dot, i.no_ignore_rgignore, i.no_ignore_parent,
                   i.no_ignore_global, i.no_ignore_exclude, i.no_require_git, w.follow_links}) {
        s += b ? '1' : '0';
    }
    s.append("|").append(w.max_depth ? std::to_string(*w.max_depth) : "-");
    s.append("|").append(w.max_filesize ? std::to_string(*w.max_filesize) : "-");
    for (const auto& g : w.globs) s.append(g.case_insensitive ? "|gi:" : "|g:").append(g.glob);
    for (const auto& t : w.types) s.append(t.negated ? "|t!:" : "|t:").append(t.name);
    for (const char* var : {"HOME", "XDG_CONFIG_HOME"}) {
        const char* v = std::getenv(var);
        s.append("|").append(var).append("=").append(v ? v : "");
    }
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(XXH3_64bits(s.data(), s.size())));
    return hex;
}

std::optional<WatcherReport> ask_watcher(const std::string& db_path, int timeout_ms) {
    const std::string path = watch_socket_path(db_path);
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0 || !S_ISSOCK(st.st_mode) || st.st_uid != ::geteuid()) return std::nullopt;
    UniqueFd dir;
    sockaddr_un addr;
    if (!socket_address(path, dir, addr)) return std::nullopt;
    // Non-blocking: a listener that never accepts (a hung or foreign
    // process) fills its backlog, and a blocking connect would then hang.
    UniqueFd sock(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    if (!sock || ::connect(sock.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
        return std::nullopt;  // no watcher (a stale socket refuses; a full backlog says EAGAIN)
    }
    // Only a watcher run by this user is believed.
    ucred peer{};
    socklen_t len = sizeof peer;
    if (::getsockopt(sock.get(), SOL_SOCKET, SO_PEERCRED, &peer, &len) != 0 || peer.uid != ::geteuid()) {
        return std::nullopt;
    }
    static constexpr char kSync[] = "sync\n";
    if (::send(sock.get(), kSync, sizeof kSync - 1, MSG_NOSIGNAL) != static_cast<ssize_t>(sizeof kSync - 1)) {
        return std::nullopt;
    }
    std::string reply;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (reply.find('\n') == std::string::npos && reply.size() < kMaxReply) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) return std::nullopt;
        pollfd p{sock.get(), POLLIN, 0};
        int n = ::poll(&p, 1, static_cast<int>(left.count()));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return std::nullopt;
        char buf[kMaxReply];
        ssize_t got = ::recv(sock.get(), buf, sizeof buf, 0);
        if (got < 0 && (errno == EINTR || errno == EAGAIN)) continue;
        if (got <= 0) return std::nullopt;
        reply.append(buf, static_cast<size_t>(got));
    }
    auto nl = reply.find('\n');
    if (nl == std::string::npos) return std::nullopt;
    return parse_reply(std::string_view(reply).substr(0, nl));
}

Expected<UniqueFd> listen_watch_socket(const std::string& db_path) {
    const std::string path = watch_socket_path(db_path);
    UniqueFd dir;
    sockaddr_un addr;
    if (!socket_address(path, dir, addr)) {
        return Error::io(path + ": cannot make a socket address for it (folder missing or name too long)");
    }
    UniqueFd sock(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    if (!sock) return Error::from_errno(errno, "socket");
    // The caller holds the lock: a socket file left here is a dead watcher's.
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

std::string format_watch_reply(const WatcherReport& r) {
    if (r.clean) return "clean " + std::to_string(r.updated_ns) + " " + r.fingerprint + "\n";
    return "dirty " + r.fingerprint + "\n";
}

}  // namespace idx::indexer
