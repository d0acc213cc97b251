#include "lookup_channel.h"

#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <memory>


#ifndef IDX_VERSION
#define IDX_VERSION "0.0.0"
#endif

namespace idx::cli {
namespace {

// The protocol and the release the two ends must share: an `idx` upgraded
// while an older watcher runs may parse its arguments differently
// (idx_client.c's MAGIC).
constexpr std::string_view kMagic = "idx-lookup/1 " IDX_VERSION;

}  // namespace

std::optional<std::string> receive_lookup_message(int fd, int timeout_ms, std::vector<UniqueFd>* fds) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (true) {
        int wait = -1;
        if (timeout_ms >= 0) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0) return std::nullopt;
            wait = static_cast<int>(left.count());
        }
        pollfd p{fd, POLLIN, 0};
        const int n = ::poll(&p, 1, wait);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return std::nullopt;
        // One buffer per thread, never zeroed (64 KB a message was most of
        // a served lookup's memset time): only the bytes received are kept.
        static thread_local const std::unique_ptr<char[]> buf =
            std::make_unique_for_overwrite<char[]>(kMaxLookupRequest + 1);
        iovec iov{buf.get(), kMaxLookupRequest + 1};
        alignas(cmsghdr) char control[CMSG_SPACE(4 * sizeof(int))];
        msghdr msg{};
        msg.msg_iov = &iov;
        msg.msg_iovlen = 1;
        msg.msg_control = control;
        msg.msg_controllen = sizeof control;
        const ssize_t got = ::recvmsg(fd, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
        if (got < 0 && (errno == EINTR || errno == EAGAIN)) continue;
        if (got <= 0) return std::nullopt;
        // Descriptors nobody asked for are closed with `unwanted`.
        std::vector<UniqueFd> unwanted;
        std::vector<UniqueFd>& into = fds ? *fds : unwanted;
        for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
            if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
            const size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
            for (size_t i = 0; i < count; ++i) {
                int received;
                std::memcpy(&received, CMSG_DATA(c) + i * sizeof(int), sizeof received);
                into.emplace_back(received);
            }
        }
        if ((msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) != 0) return std::nullopt;
        return std::string(buf.get(), static_cast<size_t>(got));
    }
}

std::optional<LookupRequest> decode_lookup_request(std::string_view m) {
    std::vector<std::string_view> parts;
    while (!m.empty()) {
        const size_t nul = m.find('\0');
        if (nul == std::string_view::npos) return std::nullopt;  // every part ends in NUL
        parts.push_back(m.substr(0, nul));
        m.remove_prefix(nul + 1);
    }
    // magic, cwd, db, root, root_in_meta, then at least the subcommand
    if (parts.size() < 6 || parts[0] != kMagic || (parts[4] != "0" && parts[4] != "1")) return std::nullopt;
    for (int i : {1, 2, 3}) {
        if (parts[i].empty() || parts[i][0] != '/') return std::nullopt;  // absolute paths only
    }
    LookupRequest r;
    r.cwd = parts[1];
    r.where.db_path = parts[2];
    r.where.root = parts[3];
    r.where.root_in_meta = parts[4] == "1";
    r.args.assign(parts.begin() + 5, parts.end());
    return r;
}

}  // namespace idx::cli
