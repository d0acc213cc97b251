// watch(): keeps an index current with inotify, so that searches can trust
// it without walking the tree (`idx watch`).
//
// Every directory the index's walk enters gets an inotify watch, added
// before the directory's files are looked at; so do the places outside the
// walk whose files decide what the walk yields (ignore files in the root's
// parent folders, .git/info/exclude, git's global excludes and its config).
// Any event there makes the index "dirty"; after `settle` without events
// the watcher runs the incremental update (build_index) and the index is
// "clean" again if nothing happened meanwhile. Searches ask over the
// socket of watch_channel.h.
//
// Not seen by inotify, so not vouched for: writes through a shared mmap,
// and network file systems' remote changes. An event queue overflow or a
// failed update is treated as a change.
#pragma once

#include <chrono>

#include "common/expected.h"
#include "indexer/index_builder.h"

namespace idx::indexer {

struct WatchOptions {
    // What each update runs. `index.cancel` (SIGINT) stops the watcher.
    IndexOptions index;
    std::chrono::milliseconds settle{100};  // quiet time after a change before updating
};

class WatchObserver : public IndexObserver {
public:
    // After each update. `clean`: no change arrived while it ran, so the
    // index matches the tree and searches skip their walk.
    virtual void on_update(const IndexStats& stats, bool clean) = 0;
    // An update failed in a way worth retrying (a concurrent `idx index`
    // holding the write lock, a full disk); the watcher tries again later.
    virtual void on_retry(const Error& error) = 0;
    // Once, when the watcher holds the index's watch lock and listens,
    // before its first update starts: where a companion that needs to be the
    // only one of its kind (the lookup server) starts.
    virtual void on_listening() {}
};

// Runs until *options.index.cancel is set (then returns success). Fails
// when it cannot start (another watcher of this index, no inotify, the
// inotify watch limit) or when the index cannot be updated at all (not an
// idx index, another schema, read-only).
Expected<void> watch(const WatchOptions& options, WatchObserver& observer);

}  // namespace idx::indexer
