// The walker: decides which files exist for idx, exactly as ripgrep does.
//
// walk() visits each root in parallel (TBB). Results are pushed into a
// WalkSink whose methods are called concurrently from worker threads, in no
// particular order; the sink must synchronise itself. An entry is only valid
// during the call (move from it to keep it).
#pragma once

#include <cstdint>
#include <string>

#include "common/expected.h"
#include "indexer/file_types.h"
#include "indexer/walk_options.h"

namespace idx::indexer {

struct FileEntry {
    std::string path;          // as ripgrep prints it: root-joined, "./" stripped for the implicit root
    uint64_t size = 0;         // valid when has_metadata
    int64_t mtime_ns = 0;      // valid when has_metadata
    uint64_t inode = 0;        // always valid (from the directory entry)
    Lang lang = Lang::kUnknown;
    bool has_metadata = false;
    bool is_explicit = false;  // named on the command line, not found by walking
};

class WalkSink {
public:
    virtual ~WalkSink() = default;
    virtual void on_file(FileEntry&& entry) = 0;
    // A problem ripgrep reports on stderr (unreadable dir, loop, bad path).
    // `fatal` problems make ripgrep exit 2; warnings (bad ignore-file lines) do not.
    virtual void on_error(const Error& error, bool fatal) = 0;
    // A directory the walk descends into (its path as the walker opened
    // it), before its entries are yielded. `idx watch` watches these.
    virtual void on_dir(const std::string& /*fs_path*/) {}
};

struct WalkStats {
    uint64_t files = 0;
    uint64_t dirs = 0;
    uint64_t errors = 0;
};

// Fails only for option errors (bad glob, unknown type) before walking.
// Problems met while walking go to the sink and are counted in the stats.
Expected<WalkStats> walk(const WalkOptions& options, WalkSink& sink);

}  // namespace idx::indexer
