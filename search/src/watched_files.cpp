#include "watched_files.h"

#include <unistd.h>

#include <climits>
#include <unordered_set>

#include "index_filter.h"
#include "indexer/index_locator.h"
#include "indexer/index_reader.h"
#include "indexer/watch_channel.h"
#include "search/query_plan.h"
#include "search/trigram_eval.h"

namespace idx::search {
namespace {

// How long a search waits for the watcher's answer before it walks.
constexpr int kWatcherTimeoutMs = 200;
// Above this many candidates one scan of the file table beats a lookup each.
constexpr uint64_t kLookupLimit = 4096;

struct Vouched {
    indexer::IndexLocation where;
    indexer::WatcherReport report;
};

// The watcher's word for a walk like `walk`, or why a search must walk.
std::optional<Vouched> ask(const indexer::WalkOptions& walk, std::string* why) {
    if (!walk.paths.empty()) return *why = "PATH arguments are walked", std::nullopt;
    if (!walk.globs.empty() || !walk.types.empty()) return *why = "-g and -t are walked", std::nullopt;
    // Folders reached through symlinks are not watched (their events come
    // from the link's target, outside the tree).
    if (walk.follow_links) return *why = "-L is walked", std::nullopt;
    std::string dir = walk.base_dir;
    if (dir.empty()) {
        char cwd[PATH_MAX];
        if (::getcwd(cwd, sizeof cwd) == nullptr) return *why = "no working directory", std::nullopt;
        dir = cwd;
    }
    auto where = indexer::find_index(dir);
    if (!where) return *why = "no index", std::nullopt;
    if (where->root != dir) return *why = "not run at the index root", std::nullopt;
    auto report = indexer::ask_watcher(where->db_path, kWatcherTimeoutMs);
    if (!report) return *why = "no idx watch is running for this index", std::nullopt;
    if (report->fingerprint != indexer::watch_fingerprint(walk, where->root)) {
        return *why = "idx watch walks with other flags", std::nullopt;
    }
    if (!report->clean) return *why = "idx watch has changes not indexed yet, or its last walk reported problems", std::nullopt;
    return Vouched{std::move(*where), std::move(*report)};
}

indexer::FileEntry entry_of(indexer::IndexedFile&& f) {
    indexer::FileEntry e;
    e.path = std::move(f.path);
    e.size = static_cast<uint64_t>(f.size);
    e.mtime_ns = f.mtime_ns;
    e.inode = static_cast<uint64_t>(f.inode);
    e.has_metadata = true;
    return e;
}

// Reads, in the read transaction the caller opened, the files to search.
Expected<std::optional<WatchedFiles>> collect(indexer::IndexReader& reader, const SearchRequest& request,
                                              const Vouched& v, std::string* why) {
    // The index the watcher vouched for, not one written since.
    auto ns = reader.updated_ns();
    if (!ns) return std::move(ns).error();
    if (*ns != v.report.updated_ns) {
        *why = "the index was updated since idx watch's last update";
        return std::optional<WatchedFiles>();
    }

    WatchedFiles out;
    out.db_path = v.where.db_path;
    const TrigramQuery plan = plan_query(request);
    out.plan = plan.to_string();
    auto admitted = evaluate(reader, plan);
    if (!admitted) return std::move(admitted).error();
    std::unordered_set<int64_t> taken;
    auto take = [&](indexer::IndexedFile&& f) {
        if (taken.insert(f.id).second) out.files.push_back(entry_of(std::move(f)));
    };
    if (!*admitted || roaring_bitmap_get_cardinality((*admitted)->get()) > kLookupLimit) {
        auto all = reader.files();
        if (!all) return std::move(all).error();
        for (auto& f : *all) {
            const bool candidate = !*admitted || roaring_bitmap_contains((*admitted)->get(), static_cast<uint32_t>(f.id));
            if (candidate || must_read(f)) take(std::move(f));
        }
        return std::optional<WatchedFiles>(std::move(out));
    }
    std::vector<uint32_t> ids(roaring_bitmap_get_cardinality((*admitted)->get()));
    roaring_bitmap_to_uint32_array((*admitted)->get(), ids.data());
    for (uint32_t id : ids) {
        auto f = reader.file(static_cast<int64_t>(id));
        if (!f) return std::move(f).error();
        if (*f) take(std::move(**f));  // absent: a file deleted or changed since those postings
    }
    auto unsearchable = reader.unsearchable_files();
    if (!unsearchable) return std::move(unsearchable).error();
    for (auto& f : *unsearchable) take(std::move(f));
    return std::optional<WatchedFiles>(std::move(out));
}

}  // namespace

Expected<std::optional<WatchedFiles>> watched_files(const SearchRequest& request, const indexer::WalkOptions& walk,
                                                    std::string* why) {
    std::string ignored;
    if (why == nullptr) why = &ignored;
    if (request.no_index || request.no_watch) {
        *why = request.no_index ? "--no-index" : "--no-watch";
        return std::optional<WatchedFiles>();
    }
    auto vouched = ask(walk, why);
    if (!vouched) return std::optional<WatchedFiles>();
    auto reader = indexer::IndexReader::open(vouched->where.db_path);
    if (!reader) return std::move(reader).error();
    // One snapshot: the update time, the postings and the rows agree.
    indexer::ReadTransaction tx(reader->db());
    return collect(*reader, request, *vouched, why);
}

}  // namespace idx::search
