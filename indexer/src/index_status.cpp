#include "indexer/index_status.h"

#include <sys/stat.h>

#include <algorithm>
#include <mutex>
#include <unordered_map>

#include "indexer/index_schema.h"
#include "indexer/path_order.h"
#include "indexer/walker.h"

namespace idx::indexer {
namespace {

struct Known {
    int64_t size, mtime_ns, inode;
    bool seen = false;
};

class FreshnessSink final : public WalkSink {
public:
    explicit FreshnessSink(std::unordered_map<std::string, Known>& known) : known_(known) {}
    void on_file(FileEntry&& e) override {
        std::lock_guard lock(mu_);
        auto it = known_.find(e.path);
        if (it == known_.end()) {
            added.push_back(std::move(e.path));
            return;
        }
        it->second.seen = true;
        if (it->second.size != static_cast<int64_t>(e.size) || it->second.mtime_ns != e.mtime_ns ||
            it->second.inode != static_cast<int64_t>(e.inode)) {
            modified.push_back(std::move(e.path));
        }
    }
    void on_error(const Error&, bool) override {}
    std::vector<std::string> added, modified;

private:
    std::mutex mu_;
    std::unordered_map<std::string, Known>& known_;
};

}  // namespace

Expected<IndexStatus> read_status(const IndexLocation& where, const WalkOptions& walk, bool check_fresh) {
    auto db = open_index_for_read(where.db_path);
    if (!db) return std::move(db).error();
    IndexStatus s;
    s.db_path = where.db_path;
    s.root = where.root;
    struct stat st {};
    if (::stat(where.db_path.c_str(), &st) == 0) s.db_bytes = st.st_size;
    auto updated = read_meta_int(*db, "updated_ns");
    if (!updated) return std::move(updated).error();
    s.updated_ns = *updated;

    struct Query {
        const char* sql;
        uint64_t* out;
    };
    for (const Query& q : {Query{"SELECT COUNT(*) FROM files", &s.files},
                           Query{"SELECT COUNT(*) FROM files WHERE skip IS NULL", &s.content_indexed},
                           Query{"SELECT COUNT(*) FROM segments", &s.segments},
                           Query{"SELECT COALESCE(SUM(pairs), 0) FROM segments", &s.pairs},
                           Query{"SELECT COUNT(*) FROM files WHERE symbols IS NULL", &s.symbols_pending},
                           Query{"SELECT COUNT(*) FROM files WHERE symbols = 'done'", &s.symbols_done}}) {
        auto v = db->scalar(q.sql);
        if (!v) return v.error();
        *q.out = static_cast<uint64_t>(*v);
    }
    s.symbols_skipped = s.files - s.symbols_pending - s.symbols_done;

    std::unordered_map<std::string, Known> known;
    auto rows = db->prepare("SELECT path, skip, size, mtime_ns, inode FROM files");
    if (!rows) return rows.error();
    auto rows_read = rows->each([&](const Stmt& row) {
        std::string path(row.text(0));
        if (!row.is_null(1)) s.skipped.push_back({path, std::string(row.text(1))});
        if (check_fresh) known.emplace(std::move(path), Known{row.int64(2), row.int64(3), row.int64(4)});
    });
    if (!rows_read) return rows_read.error();
    std::sort(s.skipped.begin(), s.skipped.end(),
              [](const SkippedFile& a, const SkippedFile& b) { return path_less(a.path, b.path); });

    if (check_fresh) {
        WalkOptions w = walk;
        w.paths.clear();
        w.base_dir = where.root;
        w.want_metadata = true;
        FreshnessSink sink(known);
        auto walked = indexer::walk(w, sink);
        if (!walked) return std::move(walked).error();
        s.added = std::move(sink.added);
        s.modified = std::move(sink.modified);
        for (auto& [path, k] : known) {
            if (!k.seen) s.deleted.push_back(path);
        }
        for (auto* v : {&s.added, &s.modified, &s.deleted}) std::sort(v->begin(), v->end(), path_less);
        s.freshness_checked = true;
    }
    return s;
}

}  // namespace idx::indexer
