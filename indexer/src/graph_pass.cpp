#include "indexer/graph_pass.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <memory>
#include <optional>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_sort.h>
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

// The nearest of a name's definers (most folders shared with the user),
// so that a kernel file calling mutex_lock links to kernel/locking/mutex.c,
// not to the copies under tools/; ties share the weight. `path(d)` is the
// path of definer d, or null when its symbols are not done (it then shares
// no folder). Calls add(d, share) for each nearest definer.
template <class Definer, class PathOf, class Add>
Expected<void> share_among_nearest(const Definer* begin, const Definer* end, Definer self, std::string_view self_path,
                                   float weight, std::vector<Definer>& nearest, PathOf&& path, Add&& add) {
    nearest.clear();
    int best = -1;
    for (const Definer* it = begin; it != end; ++it) {
        const Definer d = *it;
        if (d == self) continue;
        Expected<const std::string*> p = path(d);
        if (!p) return std::move(p).error();
        const int shared = *p ? shared_dirs(self_path, **p) : 0;
        if (shared > best) {
            best = shared;
            nearest.clear();
        }
        if (shared == best) nearest.push_back(d);
    }
    for (Definer d : nearest) add(d, weight / static_cast<float>(nearest.size()));
    return {};
}

// def_names as the bulk pass reads it, built once and then read by every
// thread: files are numbered densely (file ids to numbers through one map,
// paths in an array), and each name key finds by open addressing the run of
// file numbers defining it. Names defined in more than kMaxDefiners files
// add no edge, so are left out.
class DefinerTable {
public:
    // Per-thread working space of edges().
    struct Scratch {
        std::vector<float> weight;  // by file number; 0 = untouched (shares are positive)
        std::vector<uint32_t> touched, nearest;
    };

    static Expected<std::unique_ptr<DefinerTable>> load(Db& db) {
        auto t = std::make_unique<DefinerTable>();
        auto paths = db.prepare("SELECT id, path FROM files WHERE symbols = 'done' ORDER BY id");
        if (!paths) return paths.error();
        auto paths_read = paths->each([&](const Stmt& row) { t->number(row.int64(0), std::string(row.text(1))); });
        if (!paths_read) return paths_read.error();
        auto st = db.prepare("SELECT bucket, data FROM def_names");
        if (!st) return st.error();
        std::vector<NamePair> pairs;
        std::vector<std::pair<int64_t, uint32_t>> key_file;
        auto st_read = st->each([&](const Stmt& row) {
            pairs.clear();
            const auto bucket = static_cast<uint32_t>(row.int64(0));
            if (!decode_name_bucket(row.blob(1), pairs)) return;  // a corrupt bucket adds no edges
            for (const NamePair& p : pairs) key_file.emplace_back(name_key(bucket, p.low), t->number(p.file, {}));
        });
        if (!st_read) return st_read.error();
        tbb::parallel_sort(key_file.begin(), key_file.end());
        t->fill(key_file);
        return t;
    }

    // Thread-safe: reads only the table.
    void edges(int64_t self_id, std::string_view self_path, const std::vector<UsedName>& used,
               std::vector<std::pair<int64_t, float>>& out, Scratch& s) const {
        s.weight.resize(ids_.size(), 0.0f);
        auto it = number_.find(self_id);
        const uint32_t self = it != number_.end() ? it->second : UINT32_MAX;
        auto path = [&](uint32_t d) -> Expected<const std::string*> { return has_path_[d] ? &paths_[d] : nullptr; };
        auto add = [&](uint32_t d, float share) {
            if (s.weight[d] == 0.0f) s.touched.push_back(d);
            s.weight[d] += share;
        };
        for (const auto& [h, weight] : used) {
            const Slot* slot = find(h);
            if (!slot) continue;
            const uint32_t* defs = files_of_.data() + slot->begin;
            (void)share_among_nearest(defs, defs + slot->count, self, self_path, weight, s.nearest, path, add);
        }
        out.clear();
        for (uint32_t d : s.touched) {
            out.emplace_back(ids_[d], s.weight[d]);
            s.weight[d] = 0.0f;
        }
        s.touched.clear();
        std::sort(out.begin(), out.end());
    }

private:
    struct Slot {
        int64_t key = 0;
        uint32_t begin = 0, count = 0;  // count 0: an empty slot
    };

    // File `id`'s number, given one if new (`path` empty: not done).
    uint32_t number(int64_t id, std::string path) {
        auto [it, added] = number_.emplace(id, static_cast<uint32_t>(ids_.size()));
        if (added) {
            ids_.push_back(id);
            has_path_.push_back(!path.empty());
            paths_.push_back(std::move(path));
        }
        return it->second;
    }
    size_t home(int64_t key) const {
        return static_cast<size_t>((static_cast<uint64_t>(key) * 0x9E3779B97F4A7C15ull) >> 32) & mask_;
    }
    // `key_file` sorted: one slot per key with at most kMaxDefiners files.
    void fill(const std::vector<std::pair<int64_t, uint32_t>>& key_file) {
        size_t keys = 0;
        for (size_t i = 0; i < key_file.size(); ++i) keys += i == 0 || key_file[i].first != key_file[i - 1].first;
        size_t cap = 16;
        while (cap < 2 * keys) cap *= 2;
        slots_.assign(cap, Slot{});
        mask_ = cap - 1;
        for (size_t i = 0, j = 0; i < key_file.size(); i = j) {
            while (j < key_file.size() && key_file[j].first == key_file[i].first) ++j;
            if (j - i > kMaxDefiners) continue;
            size_t at = home(key_file[i].first);
            while (slots_[at].count != 0) at = (at + 1) & mask_;
            slots_[at] = {key_file[i].first, static_cast<uint32_t>(files_of_.size()), static_cast<uint32_t>(j - i)};
            for (size_t k = i; k < j; ++k) files_of_.push_back(key_file[k].second);
        }
    }
    const Slot* find(int64_t key) const {
        for (size_t at = home(key);; at = (at + 1) & mask_) {
            const Slot& slot = slots_[at];
            if (slot.count == 0) return nullptr;
            if (slot.key == key) return &slot;
        }
    }

    std::vector<int64_t> ids_;  // by number
    std::vector<std::string> paths_;
    std::vector<uint8_t> has_path_;
    std::unordered_map<int64_t, uint32_t> number_;
    std::vector<Slot> slots_;
    std::vector<uint32_t> files_of_;
    size_t mask_ = 0;
};

// Where a few files' used names are defined, by point lookups: their
// definers' paths are read as needed, not all of the index's (78k rows on
// Linux) up front. Not thread-safe.
class DefinerLookup {
public:
    static Expected<std::unique_ptr<DefinerLookup>> open(Db& db) {
        auto self = std::make_unique<DefinerLookup>();
        auto point = NameBucketReader::prepare(db, "def_names");
        if (!point) return point.error();
        auto path = db.prepare("SELECT path FROM files WHERE id = ?1 AND symbols = 'done'");
        if (!path) return path.error();
        self->point_ = std::move(*point);
        self->path_of_ = std::move(*path);
        return self;
    }

    Expected<void> edges(int64_t self_id, std::string_view self_path, const std::vector<UsedName>& used,
                         std::vector<std::pair<int64_t, float>>& out) {
        std::unordered_map<int64_t, float> w;
        std::vector<int64_t> nearest;
        auto path = [&](int64_t id) { return this->path(id); };
        auto add = [&](int64_t d, float share) { w[d] += share; };
        for (const auto& [h, weight] : used) {
            auto files = point_.files(h);
            if (!files) return std::move(files).error();
            if (files->empty() || files->size() > kMaxDefiners) continue;
            const int64_t* defs = files->data();
            if (auto r = share_among_nearest(defs, defs + files->size(), self_id, self_path, weight, nearest, path, add);
                !r) {
                return r;
            }
        }
        out.assign(w.begin(), w.end());
        std::sort(out.begin(), out.end());
        return {};
    }

private:
    // The path of file `id` if its symbols are done, else null.
    Expected<const std::string*> path(int64_t id) {
        auto it = paths_.find(id);
        if (it != paths_.end()) return it->second ? &*it->second : nullptr;
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

    // Those read so far (nullopt: not done).
    std::unordered_map<int64_t, std::optional<std::string>> paths_;
    NameBucketReader point_;
    Stmt path_of_;
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
        // Many files: the whole of def_names in memory, read by every
        // thread; a few: point lookups, in the serial stage.
        std::unique_ptr<DefinerTable> table;
        std::unique_ptr<DefinerLookup> lookup;
        if (todo.size() >= o.bulk_from) {
            auto t = DefinerTable::load(db);
            if (!t) return t.error();
            table = std::move(*t);
        } else {
            auto l = DefinerLookup::open(db);
            if (!l) return l.error();
            lookup = std::move(*l);
        }
        tbb::enumerable_thread_specific<DefinerTable::Scratch> scratch;
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
                                                 if (table) {
                                                     table->edges(j->file->id, j->file->path, j->used, j->edges,
                                                                  scratch.local());
                                                     j->resolved = true;
                                                 }
                                                 return j;
                                             }) &
                tbb::make_filter<Job*, void>(tbb::filter_mode::serial_in_order, [&](Job* j) {
                    std::unique_ptr<Job> owned(j);
                    if (error) return;
                    if (!j->resolved) {
                        if (auto r = lookup->edges(j->file->id, j->file->path, j->used, j->edges); !r) {
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
