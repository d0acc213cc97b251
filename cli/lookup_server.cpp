#include "lookup_server.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "common/unix_socket.h"
#include "indexer/watch_channel.h"

namespace idx::cli {
namespace {

constexpr int kClientTimeoutMs = 1000;

bool same_file(const std::string& a, const std::string& b) {
    struct stat sa {}, sb {};
    return ::stat(a.c_str(), &sa) == 0 && ::stat(b.c_str(), &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

}  // namespace

Expected<std::unique_ptr<LookupServer>> LookupServer::start(const std::string& db_path, size_t workers,
                                                            HandlerFactory factory) {
    std::unique_ptr<LookupServer> s(new LookupServer());
    s->db_path_ = db_path;
    auto sock = listen_own_socket(indexer::lookup_socket_path(db_path), SOCK_SEQPACKET);
    if (!sock) return std::move(sock).error();
    s->listen_ = std::move(*sock);
    s->stop_ = UniqueFd(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
    if (!s->stop_) return Error::from_errno(errno, "eventfd");
    for (size_t i = 0; i < workers; ++i) {
        s->workers_.emplace_back([srv = s.get(), factory] { srv->work(factory); });
    }
    return s;
}

void LookupServer::stop() {
    const uint64_t one = 1;
    (void)!::write(stop_.get(), &one, sizeof one);  // level-triggered: every worker sees it
    for (auto& t : workers_) t.join();
    workers_.clear();
}

LookupServer::~LookupServer() {
    stop();
    listen_.unlink_if_ours();
}

void LookupServer::work(const HandlerFactory& factory) {
    Handler handler = factory();
    while (true) {
        pollfd p[2] = {{listen_.fd.get(), POLLIN, 0}, {stop_.get(), POLLIN, 0}};
        if (::poll(p, 2, -1) < 0) {
            if (errno == EINTR) continue;
            return;
        }
        if (p[1].revents != 0) return;
        UniqueFd client(::accept4(listen_.fd.get(), nullptr, nullptr, SOCK_CLOEXEC));
        if (!client) {
            // Another worker took it (EAGAIN), or out of descriptors: the
            // listener stays readable, so wait instead of spinning on it.
            if (errno == EMFILE || errno == ENFILE) ::poll(nullptr, 0, 50);
            continue;
        }
        serve(client.get(), handler);
    }
}

void LookupServer::serve(int fd, Handler& handler) {
    if (peer_uid(fd) != static_cast<long>(::geteuid())) return;
    std::vector<UniqueFd> fds;
    const auto message = receive_lookup_message(fd, kClientTimeoutMs, &fds);
    if (!message || !fds.empty()) return;
    auto request = decode_lookup_request(*message);
    // The client's index must be this one, however it named it, and its
    // root the tree this index is for: refs reads files under it.
    const bool ours = request && same_file(request->where.db_path, db_path_) &&
                      (request->where.root_in_meta || same_file(request->where.root + "/.idx/index.db", db_path_));
    if (!ours) {
        (void)::send(fd, "no", 2, MSG_NOSIGNAL);
        return;
    }
    if (::send(fd, "run", 3, MSG_NOSIGNAL) != 3) return;
    // Until "started", the client runs the lookup itself if we hang up.
    if (receive_lookup_message(fd, kClientTimeoutMs, &fds) != "go" || fds.size() != 2) return;
    if (::send(fd, "started", 7, MSG_NOSIGNAL) != 7) return;
    int code = 2;
    try {
        code = handler(*request, Streams{fds[0].get(), fds[1].get(), fd, stop_.get()});
    } catch (const std::exception& e) {
        const std::string line = std::string("idx: the lookup failed in idx watch: ") + e.what() + "\n";
        (void)!::write(fds[1].get(), line.data(), line.size());
    }
    fds.clear();  // the client's stdout is closed on our side before it exits
    const std::string reply = "exit " + std::to_string(code);
    (void)::send(fd, reply.data(), reply.size(), MSG_NOSIGNAL);
    served_.fetch_add(1);
}

}  // namespace idx::cli
