// watched_files(): the files a search must read when `idx watch` vouches
// that the index matches the tree, found without walking it.
//
// With a clean watcher (see indexer/watch_channel.h), the files a walk would
// yield are exactly the indexed files, with the metadata the index holds.
// IndexFilter would then read an indexed file iff the plan admits it or the
// index holds no postings for it; this yields those same files, from the
// posting lists and a few row lookups instead of a walk, a stat per file and
// the whole file table.
//
// Used only for searches whose walk the index's walk decides entirely: no
// PATH arguments, no -g/-t (a -g or -t match can select a file the ignore
// rules hide), started at the index root, with the watcher's walk flags.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/expected.h"
#include "indexer/walk_options.h"
#include "indexer/walker.h"
#include "search/search_request.h"

namespace idx::search {

struct WatchedFiles {
    std::vector<indexer::FileEntry> files;  // to read, paths relative to the root
    std::string db_path, plan;
};

// nullopt when no watcher vouches for this search: the caller walks, and
// `why` (if given) says why (for --explain).
Expected<std::optional<WatchedFiles>> watched_files(const SearchRequest& request, const indexer::WalkOptions& walk,
                                                    std::string* why = nullptr);

}  // namespace idx::search
