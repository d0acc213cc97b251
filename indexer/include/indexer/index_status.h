// read_status(): what an index holds, what it skipped and why, and which
// files changed in the tree since it was last updated.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/expected.h"
#include "indexer/index_locator.h"
#include "indexer/walk_options.h"

namespace idx::indexer {

struct SkippedFile {
    std::string path;
    std::string reason;  // binary | too_large | unreadable | vanished
};

struct IndexStatus {
    std::string db_path, root;
    int64_t db_bytes = 0;
    int64_t updated_ns = 0;
    uint64_t files = 0, content_indexed = 0;
    uint64_t segments = 0, pairs = 0;
    uint64_t symbols_pending = 0, symbols_done = 0, symbols_skipped = 0;
    std::vector<SkippedFile> skipped;  // content-level skips, by path
    // Differences between the tree now and the index (by size, mtime, inode).
    std::vector<std::string> modified, added, deleted;
    bool freshness_checked = false;
};

// Reads the status; with `check_fresh`, walks the tree with `walk` to list
// what changed since the last `idx index`.
Expected<IndexStatus> read_status(const IndexLocation& where, const WalkOptions& walk, bool check_fresh);

}  // namespace idx::indexer
