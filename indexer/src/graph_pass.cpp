#include "indexer/graph_pass.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <memory>
#include <optional>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_pipeline.h>
#include <tbb/task_arena.h>
#include <unordered_map>

#include "common/file_io.h"
#include "indexer/file_types.h"
#include "indexer/identifier_scan.h"
#include "indexer/index_schema.h"
#include "indexer/name_buckets.h"
#include "indexer/symbol_codec.h"
#include "varint.h"

namespace idx::indexer {
namespace {

using Definers = std::unordered_map<int64_t, std::vector<int64_t>>;

// How many leading folders two root-relative paths share.
int shared_dirs(std::string_view a, std::string_view b) {
    int n = 0;
    size_t i = 0;
    while (true) {
        const size_t sa = a.find('/', i), sb = b.find('/', i);
        if (sa == std::string_view::npos || sa != sb || a.compare(i, sa - i, b, i, sb - i) != 0) return n;
        ++n;
        i = sa + 1;
    }
}

// Where the names a file uses are defined: a whole-table map for big
// passes, point lookups for a few files.
class DefinerLookup {
public:
    static Expected<std::unique_ptr<DefinerLookup>> open(Db& db, bool bulk) {
        auto self = std::make_unique<DefinerLookup>();
        if (bulk) {
            auto paths = db.prepare("SELECT id, path FROM files WHERE symbols = 'done'");
            if (!paths) return paths.error();
            auto paths_read = paths->each([&](const Stmt& row) {
                self->paths_.emplace(row.int64(0), std::string(row.text(1)));
            });
            if (!paths_read) return paths_read.error();
            auto st = db.prepare("SELECT bucket, data FROM def_names");
            if (!st) return st.error();
            std::vector<NamePair> pairs;
            auto st_read = st->each([&](const Stmt& row) {
                pairs.clear();
                const auto bucket = static_cast<uint32_t>(row.int64(0));
                if (!decode_name_bucket(row.blob(1), pairs)) return;  // a corrupt bucket adds no edges
                for (const NamePair& p : pairs) {
                    auto& v = self->all_[name_key(bucket, p.low)];
                    if (v.size() <= kMaxDefiners) v.push_back(p.file);
                }
            });
            if (!st_read) return st_read.error();
            self->bulk_ = true;
        } else {
            // A few files: their definers' paths are read as needed, not
            // all of the index's (78k rows on Linux) up front.
            auto point = NameBucketReader::prepare(db, "def_names");
            if (!point) return point.error();
            auto path = db.prepare("SELECT path FROM files WHERE id = ?1 AND symbols = 'done'");
            if (!path) return path.error();
            self->point_ = std::move(*point);
            self->path_of_ = std::move(*path);
        }
        return self;
    }

    // Thread-safe in bulk mode only.
    // A name defined in several files links to the nearest of them (most
    // folders shared with the user), so that a kernel file calling
    // mutex_lock links to kernel/locking/mutex.c, not to the copies under
    // tools/ (ties share the weight).
    Expected<void> edges(int64_t self_id, std::string_view self_path, const std::vector<UsedName>& used,
                         std::vector<std::pair<int64_t, float>>& out) const {
        std::unordered_map<int64_t, float> w;
        std::vector<int64_t> tmp, nearest;
        for (const auto& [h, weight] : used) {
            const std::vector<int64_t>* defs = nullptr;
            if (bulk_) {
                auto it = all_.find(h);
                if (it == all_.end()) continue;
                defs = &it->second;
            } else {
                auto files = point_.files(h);
                if (!files) return std::move(files).error();
                tmp = std::move(*files);
                defs = &tmp;
            }
            if (defs->empty() || defs->size() > kMaxDefiners) continue;
            nearest.clear();
            int best = -1;
            for (int64_t d : *defs) {
                if (d == self_id) continue;
                auto p = path(d);
                if (!p) return std::move(p).error();
                const int shared = *p ? shared_dirs(self_path, **p) : 0;
                if (shared > best) {
                    best = shared;
                    nearest.clear();
                }
                if (shared == best) nearest.push_back(d);
            }
            for (int64_t d : nearest) w[d] += weight / static_cast<float>(nearest.size());
        }
        out.assign(w.begin(), w.end());
        std::sort(out.begin(), out.end());
        return {};
    }
    bool bulk() const { return bulk_; }

private:
    // The path of file `id` if its symbols are done, else null.
    Expected<const std::string*> path(int64_t id) const {
        auto it = paths_.find(id);
        if (it != paths_.end()) return it->second ? &*it->second : nullptr;
        if (bulk_) return nullptr;
        path_of_.bind(1, id);
        auto row = path_of_.step();
        if (!row) {
            path_of_.reset();
            return std::move(row).error();
        }
        auto& slot = paths_[id];
        if (*row) slot = std::string(path_of_.text(0));
        path_of_.reset();
        return slot ? &*slot : nullptr;
    }

    Definers all_;
    // Bulk: every done file's path; point: those read so far (nullopt: not done).
    mutable std::unordered_map<int64_t, std::optional<std::string>> paths_;
    mutable NameBucketReader point_;
    mutable Stmt path_of_;
    bool bulk_ = false;
};

struct Pending {
    int64_t id;
    std::string path, lang;
};

struct Job {
    const Pending* file;
    std::vector<UsedName> used;
    std::vector<std::pair<int64_t, float>> edges;
    bool resolved = false;
};

Expected<void> rank_files(Db& db) {
    auto graph = load_file_graph(db);
    if (!graph) return graph.error();
    const std::vector<double> rank = page_rank(static_cast<uint32_t>(graph->ids.size()), graph->edges, {});
    if (auto r = db.exec("DELETE FROM file_rank"); !r) return r;
    auto put = db.prepare("INSERT INTO file_rank(file, rank) VALUES (?1, ?2)");
    if (!put) return put.error();
    for (size_t i = 0; i < rank.size(); ++i) {
        put->bind(1, graph->ids[i]).bind(2, rank[i]);
        if (auto r = put->run(); !r) return r;
    }
    // Read by every `idx sym` (IndexReader::ranked_files): a meta row, not a
    // count over the table.
    return write_meta(db, "ranked_files", std::to_string(rank.size()));
}

}  // namespace

std::string encode_file_refs(const std::vector<std::pair<int64_t, float>>& edges) {
    std::string out;
    put_varint(out, edges.size());
    int64_t prev = 0;
    for (const auto& [dst, w] : edges) {
        put_varint(out, static_cast<uint64_t>(dst - prev));
        put_varint(out, std::max<uint64_t>(1, static_cast<uint64_t>(std::lround(w * 1024))));
        prev = dst;
    }
    return out;
}

bool decode_file_refs(std::string_view blob, std::vector<std::pair<int64_t, float>>& out) {
    out.clear();
    uint64_t n = 0, delta = 0, w = 0;
    if (!get_varint(blob, n) || n > blob.size()) return false;
    int64_t prev = 0;
    for (uint64_t i = 0; i < n; ++i) {
        if (!get_varint(blob, delta) || !get_varint(blob, w)) return false;
        prev += static_cast<int64_t>(delta);
        out.emplace_back(prev, static_cast<float>(w) / 1024.0f);
    }
    return true;
}

Expected<FileGraph> load_file_graph(Db& db) {
    FileGraph g;
    auto ids = db.prepare("SELECT id FROM files WHERE symbols = 'done' ORDER BY id");
    if (!ids) return ids.error();
    auto ids_read = ids->each([&](const Stmt& row) {
        g.ids.push_back(row.int64(0));
    });
    if (!ids_read) return ids_read.error();
    auto node = [&](int64_t id) -> int64_t {
        auto it = std::lower_bound(g.ids.begin(), g.ids.end(), id);
        return it != g.ids.end() && *it == id ? it - g.ids.begin() : -1;
    };
    auto st = db.prepare("SELECT src, data FROM file_refs");
    if (!st) return st.error();
    std::vector<std::pair<int64_t, float>> edges;
    auto st_read = st->each([&](const Stmt& row) {
        const int64_t src = node(row.int64(0));
        if (src < 0 || !decode_file_refs(row.blob(1), edges)) return;  // stale or corrupt: no edges
        for (const auto& [dst_id, w] : edges) {
            const int64_t dst = node(dst_id);
            if (dst >= 0) g.edges.push_back({static_cast<uint32_t>(src), static_cast<uint32_t>(dst), w});
        }
    });
    if (!st_read) return st_read.error();
    return g;
}

Expected<GraphPassStats> run_graph_pass(Db& db, const GraphPassOptions& o) {
    GraphPassStats stats;
    std::vector<Pending> todo;
    {
        auto st = db.prepare("SELECT id, path, COALESCE(lang, '') FROM files f WHERE symbols = 'done' AND NOT EXISTS "
                             "(SELECT 1 FROM file_refs r WHERE r.src = f.id) ORDER BY id");
        if (!st) return st.error();
        auto st_read = st->each([&](const Stmt& row) {
            todo.push_back({row.int64(0), std::string(row.text(1)), std::string(row.text(2))});
        });
        if (!st_read) return st_read.error();
    }
    auto total = db.scalar("SELECT count(*) FROM files WHERE symbols = 'done'");
    if (!total) return total.error();
    auto ranked = db.scalar("SELECT count(*) FROM file_rank");
    if (!ranked) return ranked.error();

    if (!todo.empty()) {
        auto lookup = DefinerLookup::open(db, todo.size() > 2000);
        if (!lookup) return lookup.error();
        DefinerLookup& defs = **lookup;
        auto put = db.prepare("INSERT OR REPLACE INTO file_refs(src, data) VALUES (?1, ?2)");
        if (!put) return put.error();
        tbb::enumerable_thread_specific<std::string> buffers;
        std::optional<Error> error;
        size_t next = 0, in_batch = 0;
        bool in_tx = false;
        const size_t tokens = 4 * static_cast<size_t>(std::max(1, tbb::this_task_arena::max_concurrency()));
        tbb::parallel_pipeline(
            tokens,
            tbb::make_filter<void, Job*>(tbb::filter_mode::serial_in_order,
                                         [&](tbb::flow_control& fc) -> Job* {
                                             if (next == todo.size() || error || (o.cancel && o.cancel->load())) {
                                                 fc.stop();
                                                 return nullptr;
                                             }
                                             return new Job{&todo[next++], {}, {}, false};
                                         }) &
                tbb::make_filter<Job*, Job*>(tbb::filter_mode::parallel,
                                             [&](Job* j) {
                                                 std::string& buf = buffers.local();
                                                 // An unreadable file keeps no edges, but is done.
                                                 if (read_whole_file(o.root + "/" + j->file->path, buf) == 0) {
                                                     j->used = used_identifiers(buf, lang_from_name(j->file->lang));
                                                 }
                                                 if (defs.bulk()) {
                                                     (void)defs.edges(j->file->id, j->file->path, j->used, j->edges);
                                                     j->resolved = true;
                                                 }
                                                 return j;
                                             }) &
                tbb::make_filter<Job*, void>(tbb::filter_mode::serial_in_order, [&](Job* j) {
                    std::unique_ptr<Job> owned(j);
                    if (error) return;
                    if (!j->resolved) {
                        if (auto r = defs.edges(j->file->id, j->file->path, j->used, j->edges); !r) {
                            error = r.error();
                            return;
                        }
                    }
                    if (!in_tx) {
                        if (auto r = db.exec("BEGIN IMMEDIATE"); !r) {
                            error = r.error();
                            return;
                        }
                        in_tx = true;
                    }
                    const std::string blob = encode_file_refs(j->edges);
                    put->bind(1, j->file->id).bind_blob(2, blob.data(), blob.size());
                    if (auto r = put->run(); !r) {
                        error = r.error();
                        return;
                    }
                    stats.edges += j->edges.size();
                    ++stats.files;
                    if (++in_batch >= 1000) {
                        in_tx = false;
                        in_batch = 0;
                        if (auto r = db.exec("COMMIT"); !r) error = r.error();
                    }
                }));
        if (error) {
            if (in_tx) (void)db.exec("ROLLBACK");
            return *error;
        }
        if (in_tx) {
            if (auto r = db.exec("COMMIT"); !r) return r.error();
        }
        stats.cancelled = o.cancel && o.cancel->load() && stats.files < todo.size();
    }
    if (stats.cancelled) return stats;
    if (*ranked == 0 || stats.files * 100 > static_cast<uint64_t>(*total)) {
        if (auto r = db.exec("BEGIN IMMEDIATE"); !r) return r.error();
        if (auto r = rank_files(db); !r) {
            (void)db.exec("ROLLBACK");
            return r.error();
        }
        if (auto r = db.exec("COMMIT"); !r) return r.error();
        stats.ranked = true;
    }
    return stats;
}

}  // namespace idx::indexer
