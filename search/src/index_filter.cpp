#include "index_filter.h"

#include <unistd.h>

#include <climits>

#include "indexer/index_builder.h"
#include "indexer/index_locator.h"
#include "search/query_plan.h"

namespace idx::search {

Expected<std::optional<IndexFilter>> IndexFilter::open(const SearchRequest& request) {
    return open_with_plan(plan_query(request));
}

Expected<std::optional<IndexFilter>> IndexFilter::open_with_plan(TrigramQuery plan) {
    char cwd[PATH_MAX];
    if (::getcwd(cwd, sizeof cwd) == nullptr) return std::optional<IndexFilter>();
    auto where = indexer::find_index(cwd);
    if (!where) return std::optional<IndexFilter>();
    auto reader = indexer::IndexReader::open(where->db_path);
    if (!reader) return std::move(reader).error();

    IndexFilter f;
    f.db_path_ = where->db_path;
    const std::string here = cwd;
    if (here != where->root) {
        if (here.rfind(where->root + "/", 0) != 0) return std::optional<IndexFilter>();  // IDX_DB elsewhere
        f.prefix_ = here.substr(where->root.size() + 1) + "/";
    }
    f.plan_ = std::move(plan);
    // One snapshot: postings and rows from the same state of the index, even
    // while `idx index` or `idx watch` commits an update.
    indexer::ReadTransaction tx(reader->db());
    auto admitted = evaluate(*reader, f.plan_);
    if (!admitted) return std::move(admitted).error();
    auto files = reader->files();
    if (!files) return std::move(files).error();
    auto scan_started = reader->scan_started_ns();
    if (!scan_started) return std::move(scan_started).error();
    f.files_.reserve(files->size());
    for (auto& file : *files) {
        // A racily clean file may have changed without a new size or mtime.
        const bool unsearchable = must_read(file) || file.mtime_ns >= *scan_started - indexer::kRacyNs;
        const bool candidate = !*admitted || roaring_bitmap_contains((*admitted)->get(), static_cast<uint32_t>(file.id));
        f.candidates_ += candidate && !unsearchable ? 1 : 0;
        f.files_.emplace(std::move(file.path), Known{file.size, file.mtime_ns, file.inode, unsearchable, candidate});
    }
    return std::optional<IndexFilter>(std::move(f));
}

bool IndexFilter::should_search(const indexer::FileEntry& e) const {
    if (e.is_explicit || !e.has_metadata) return true;
    std::string_view shown = e.path;
    while (shown.substr(0, 2) == "./") shown.remove_prefix(2);
    if (shown.empty() || shown.front() == '/' || shown.find("../") != std::string_view::npos ||
        shown.substr(0, 3) == "../") {
        return true;  // outside what the index can name: read it
    }
    auto it = prefix_.empty() ? files_.find(shown) : files_.find(prefix_ + std::string(shown));
    if (it == files_.end()) return true;  // new since the index
    const Known& k = it->second;
    if (k.size != static_cast<int64_t>(e.size) || k.mtime_ns != e.mtime_ns || k.inode != static_cast<int64_t>(e.inode)) {
        return true;  // changed since the index
    }
    return k.must_read || k.candidate;
}

}  // namespace idx::search
