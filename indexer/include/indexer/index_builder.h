// build_index(): creates or updates the index of a tree.
//
// Pipeline (TBB parallel_pipeline): the walked files whose size, mtime or
// inode changed are read and hashed and their trigrams extracted in
// parallel; one writer stage assigns file ids, accumulates posting lists and
// inserts rows. The whole content update is one SQLite transaction, so a
// crash or kill leaves either the old index or the new one.
//
// Incremental design: each run writes one new *segment* of posting lists
// for the files it (re)indexed. A changed file gets a new id, so the lists
// that hold its old id in older segments go stale; readers intersect with
// the live ids in `files` (tombstones by absence). Segments are merged when
// there are too many (see compact_segments()).
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

#include "common/expected.h"
#include "indexer/walk_options.h"

namespace idx::indexer {

// A file whose mtime is this close to (or after) the start of the run that
// last read it is "racily clean" (git's term): rewritten in the same clock
// tick, its size, mtime and inode may not change. Such a file is read again
// (and its hash compared) by the next run, and read by searches.
constexpr int64_t kRacyNs = 100'000'000;

struct IndexOptions {
    std::string root;     // absolute directory to index
    std::string db_path;  // the index file
    bool rebuild = false;
    WalkOptions walk;     // file selection flags; paths and base_dir are set from root
    // Larger files are not content-indexed (skip = "too_large"); search
    // scans them directly.
    uint64_t max_content_bytes = uint64_t{256} << 20;
    // The writer flushes a segment when this many (trigram, file) pairs are
    // held in memory; bounds peak memory on huge trees.
    uint64_t flush_pairs = 150'000'000;
    const std::atomic<bool>* cancel = nullptr;  // set (e.g. by SIGINT) to stop and roll back
    bool symbols = true;  // run the tree-sitter symbol pass after the content pass
    std::string out_path;  // also write a compact copy here (VACUUM INTO), for CI artifacts
};

struct IndexProgress {
    const char* phase = "content";  // "content", then "symbols"
    uint64_t files_done = 0, files_total = 0;
    uint64_t bytes_done = 0, bytes_total = 0;
};

class IndexObserver {
public:
    virtual ~IndexObserver() = default;
    virtual void on_progress(const IndexProgress& progress) = 0;  // from the writer thread
    virtual void on_warning(const Error& warning) = 0;            // walk problems; may be concurrent
    // Each directory the walk enters, before its files are looked at;
    // concurrent (walker threads). `idx watch` adds its inotify watches here.
    virtual void on_dir(const std::string& /*fs_path*/) {}
};

struct IndexStats {
    uint64_t files = 0;      // walked files now in the index
    uint64_t added = 0, changed = 0, deleted = 0, unchanged = 0;
    uint64_t touched = 0;    // metadata changed, content hash equal: not re-indexed
    uint64_t bytes_read = 0;
    uint64_t binary = 0, too_large = 0, unreadable = 0, vanished = 0;
    uint64_t segments_written = 0;
    uint64_t pairs = 0;      // (trigram, file) pairs written
    uint64_t symbol_files = 0, definitions = 0, references = 0;
    uint64_t graph_files = 0;  // files whose uses were linked to definitions
    bool symbols_interrupted = false;  // the symbol pass stopped early; the rest stays pending
    int64_t updated_ns = 0;      // the update time this run committed (meta updated_ns)
    double content_seconds = 0;  // until the content (search-ready) commit
    double seconds = 0;
};

Expected<IndexStats> build_index(const IndexOptions& options, IndexObserver* observer);

}  // namespace idx::indexer
