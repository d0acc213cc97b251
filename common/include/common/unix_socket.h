// Unix sockets owned by this user, for idx's local channels: `idx watch`
// answering searches (indexer/watch_channel.h) and lookups
// (cli/lookup_channel.h).
//
// The socket file sits next to the index file, however deep that is: the
// address goes through /proc/self/fd, so sun_path's 108 bytes never limit
// where an index lives. Both ends trust only a peer of their own user.
#pragma once

#include <sys/types.h>

#include <string>

#include "common/expected.h"
#include "common/unique_handle.h"

namespace idx {

// Connects to the socket at `path` (SOCK_STREAM or SOCK_SEQPACKET), without
// blocking: a listener that never accepts fills its backlog, and a blocking
// connect would then hang. An empty descriptor when there is no socket
// there, it is another user's, nobody listens (a stale file), or the peer
// runs as another user.
UniqueFd connect_own_socket(const std::string& path, int type);

struct ListeningSocket {
    UniqueFd fd;
    std::string path;
    dev_t dev = 0;  // the socket file's identity when bound
    ino_t ino = 0;
    // Removes the socket file if it is still this one, not a successor's.
    void unlink_if_ours() const;
};

// Binds and listens on `path` with mode 0600 (close-on-exec, non-blocking),
// replacing a socket file left there. The caller must hold the lock that
// makes it the only listener: the file it replaces is a dead process's.
// Fails when `path` exists and is not a socket.
Expected<ListeningSocket> listen_own_socket(const std::string& path, int type);

// The user id of the process at the other end of a connected socket;
// -1 when it cannot be told.
long peer_uid(int fd);

}  // namespace idx
