#include "indexer/watch_channel.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <xxhash.h>

#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdlib>
#include <cstring>

#include "common/unix_socket.h"

namespace idx::indexer {
namespace {

constexpr size_t kMaxReply = 256;

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
    // Only a watcher run by this user is believed.
    UniqueFd sock = connect_own_socket(watch_socket_path(db_path), SOCK_STREAM);
    if (!sock) return std::nullopt;
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
    auto sock = listen_own_socket(watch_socket_path(db_path), SOCK_STREAM);
    if (!sock) return std::move(sock).error();
    return std::move(sock->fd);
}

std::string format_watch_reply(const WatcherReport& r) {
    if (r.clean) return "clean " + std::to_string(r.updated_ns) + " " + r.fingerprint + "\n";
    return "dirty " + r.fingerprint + "\n";
}

}  // namespace idx::indexer
