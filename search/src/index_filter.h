// IndexFilter: which walked files a search must read, given an index.
//
// A file is read when the index cannot vouch for it (not indexed, changed
// since by size/mtime/inode, too large, unreadable) or when the query plan
// admits it. The walk itself always happens, so new and deleted files and
// every walker flag behave exactly as without an index. Immutable once
// built; should_search() is called from walker threads.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <functional>
#include <string_view>
#include <unordered_map>

#include "common/expected.h"
#include "indexer/index_reader.h"
#include "indexer/walker.h"
#include "search/search_request.h"
#include "search/trigram_eval.h"
#include "search/trigram_query.h"

namespace idx::search {

// Whether the index holds no usable postings for a file's content (too
// large, unreadable, vanished): a search reads it whatever the plan says.
// A file with no trigrams at all is simply never admitted by a plan that
// needs one.
inline bool must_read(const indexer::IndexedFile& f) {
    return f.skip == "too_large" || f.skip == "unreadable" || f.skip == "vanished";
}

class IndexFilter {
public:
    // nullopt when no index covers the current directory.
    static Expected<std::optional<IndexFilter>> open(const SearchRequest& request);
    // The same for any plan (structural search's literals).
    static Expected<std::optional<IndexFilter>> open_with_plan(TrigramQuery plan);

    bool should_search(const indexer::FileEntry& entry) const;

    const TrigramQuery& plan() const { return plan_; }
    const std::string& db_path() const { return db_path_; }
    uint64_t candidates() const { return candidates_; }  // indexed files the plan admits
    uint64_t indexed() const { return files_.size(); }

private:
    struct Known {
        int64_t size, mtime_ns, inode;
        bool must_read;  // the index holds no usable postings for it
        bool candidate;
    };
    std::string db_path_, prefix_;  // prefix_: the cwd relative to the index root ("" or "dir/")
    // Looked up with the walker's paths as string_views: no allocation per
    // walked file (78,000 on the kernel).
    struct PathHash {
        using is_transparent = void;
        size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
    };
    std::unordered_map<std::string, Known, PathHash, std::equal_to<>> files_;
    TrigramQuery plan_;
    uint64_t candidates_ = 0;
};

}  // namespace idx::search
