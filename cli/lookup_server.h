// LookupServer: the watcher's side of the lookup channel (lookup_channel.h).
//
// A few worker threads accept on the lookup socket; each serves one client
// at a time, with a handler of its own (so each keeps its own SQLite
// connection). A client that is slow to send its request or its
// descriptors is dropped after a second; a request of another build, for
// another index or from another user is declined or dropped, and the
// client then runs the lookup itself.
//
// The process must ignore SIGPIPE (idx-cli does): a handler writes to the
// client's stdout, which may be a pipe whose reader has gone.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "common/expected.h"
#include "common/unique_handle.h"
#include "common/unix_socket.h"
#include "output.h"
#include "lookup_channel.h"

namespace idx::cli {

class LookupServer {
public:
    // Runs one request, writing to io.out and io.err, and stopping early
    // when io.hangup or io.stop is readable; returns its exit code.
    using Handler = std::function<int(const LookupRequest& request, Streams io)>;
    // Called once per worker thread, on that thread.
    using HandlerFactory = std::function<Handler()>;

    // Listens at lookup_socket_path(db_path); call with the watch lock held
    // (a socket file there is a dead watcher's). Requests must name the
    // same index file (compared by device and inode), and a root whose
    // .idx/index.db is that file unless the index names its root.
    static Expected<std::unique_ptr<LookupServer>> start(const std::string& db_path, size_t workers,
                                                         HandlerFactory factory);
    // Stops accepting, ends the requests in flight (their output stops at
    // the next write), waits for them, and removes the socket unless a
    // successor has replaced it.
    ~LookupServer();
    LookupServer(const LookupServer&) = delete;
    LookupServer& operator=(const LookupServer&) = delete;

    // Stops accepting, ends the requests in flight and waits for them;
    // once stopped, served() is final. The destructor calls it.
    void stop();
    // Requests answered so far.
    uint64_t served() const { return served_.load(); }

private:
    LookupServer() = default;
    void work(const HandlerFactory& factory);
    void serve(int fd, Handler& handler);

    std::string db_path_;
    ListeningSocket listen_;
    UniqueFd stop_;
    std::vector<std::thread> workers_;
    std::atomic<uint64_t> served_{0};
};

}  // namespace idx::cli
