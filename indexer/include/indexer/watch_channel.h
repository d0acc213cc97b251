// The channel between `idx watch` and the commands that trust it.
//
// `idx watch` keeps an index current and listens on a Unix socket next to
// the index file (`<db>-watch.sock`, mode 0600). A search asks it, with one
// line, whether the index matches the tree right now; the answer lets the
// search skip its walk. The protocol (one request, one reply, then close):
//
//   client: "sync\n"
//   watcher: "clean <updated_ns> <fingerprint>\n"   every event read so far
//            is in the index, whose meta updated_ns is <updated_ns>
//        or  "dirty <fingerprint>\n"                a change is not indexed yet
//
// inotify queues an event inside the writing system call, so a change that
// finished before the client connected is already queued when the watcher
// drains its queue to answer: "clean" covers every such change.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/expected.h"
#include "common/unique_handle.h"
#include "indexer/walk_options.h"

namespace idx::indexer {

struct WatcherReport {
    bool clean = false;
    int64_t updated_ns = 0;   // when clean: the index state the watcher vouches for
    std::string fingerprint;  // watch_fingerprint() of the watcher's walk
};

// Where the watcher of index `db_path` listens, and its single-instance lock.
std::string watch_socket_path(const std::string& db_path);
std::string watch_lock_path(const std::string& db_path);
// Where the watcher answers lookups (cli/lookup_channel.h). Inline: the
// static `idx` client uses it without linking this stage.
inline std::string lookup_socket_path(const std::string& db_path) { return db_path + "-lookup.sock"; }

// What decides the set of files a walk of `root` yields, as one string: the
// ignore flags, -L, --max-depth, --max-filesize, -g and -t, and the
// environment that locates git's global excludes file. Two walks with equal
// fingerprints yield the same files.
std::string watch_fingerprint(const WalkOptions& walk, const std::string& root);

// Asks the watcher of `db_path`. nullopt when none answers (no socket, a
// stale one, another user's, a malformed or late reply): the caller walks.
std::optional<WatcherReport> ask_watcher(const std::string& db_path, int timeout_ms);

// The watcher's side: binds the socket (replacing a stale one; call with
// the lock held) and formats replies.
Expected<UniqueFd> listen_watch_socket(const std::string& db_path);
std::string format_watch_reply(const WatcherReport& report);

}  // namespace idx::indexer
