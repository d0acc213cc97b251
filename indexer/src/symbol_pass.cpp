#include "indexer/symbol_pass.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <optional>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_pipeline.h>
#include <tbb/task_arena.h>
#include <vector>

#include "common/file_io.h"
#include "indexer/file_types.h"
#include "indexer/index_schema.h"
#include "indexer/tag_store.h"
#include "indexer/tagger.h"

namespace idx::indexer {
namespace {

struct Pending {
    int64_t id;
    std::string path, lang, skip;
    int64_t size;
};

struct Job {
    const Pending* file = nullptr;
    std::string outcome;  // files.symbols value
    std::vector<Tag> tags;
};

class SymbolWriter {
public:
    explicit SymbolWriter(Db& db) : db_(db) {}

    Expected<void> prepare() {
        auto store = TagStore::prepare(db_);
        auto mark = db_.prepare("UPDATE files SET symbols = ?2 WHERE id = ?1");
        if (!store) return store.error();
        if (!mark) return mark.error();
        store_ = std::move(*store);
        mark_ = std::move(*mark);
        return {};
    }

    Expected<void> write(const Job& j, SymbolPassStats& st) {
        const int64_t id = j.file->id;
        if (auto r = store_.write(id, j.tags); !r) return r;
        for (const Tag& t : j.tags) ++(t.is_definition ? st.definitions : st.references);
        if (!j.tags.empty()) st.tagged.push_back(id);
        mark_.bind(1, id).bind(2, j.outcome);
        if (j.outcome != "done") ++st.skipped;
        if (j.outcome == "parse_timeout") ++st.timeouts;
        ++st.files;
        return mark_.run();
    }

    // Before each commit: the tags' name pairs are queued until then.
    Expected<void> flush() { return store_.flush(); }

private:
    Db& db_;
    TagStore store_;
    Stmt mark_;
};

}  // namespace

Expected<SymbolPassStats> run_symbol_pass(Db& db, const SymbolPassOptions& o) {
    std::vector<Pending> todo;
    {
        auto st = db.prepare("SELECT id, path, COALESCE(lang, ''), COALESCE(skip, ''), size FROM files "
                             "WHERE symbols IS NULL ORDER BY id");
        if (!st) return st.error();
        auto st_read = st->each([&](const Stmt& row) {
            todo.push_back({row.int64(0), std::string(row.text(1)), std::string(row.text(2)),
                            std::string(row.text(3)), row.int64(4)});
        });
        if (!st_read) return st_read.error();
    }
    SymbolPassStats stats;
    if (todo.empty()) return stats;
    if (auto r = write_meta(db, "derived_dirty", "1"); !r) return r.error();
    SymbolWriter writer(db);
    if (auto r = writer.prepare(); !r) return r.error();

    tbb::enumerable_thread_specific<Tagger> taggers;
    tbb::enumerable_thread_specific<std::string> buffers;
    std::optional<Error> error;
    size_t next = 0, in_batch = 0;
    bool in_tx = false;
    constexpr size_t kBatch = 500;
    auto commit = [&]() -> Expected<void> {
        if (!in_tx) return {};
        in_tx = false;
        in_batch = 0;
        if (auto r = writer.flush(); !r) {
            (void)db.exec("ROLLBACK");
            return r;
        }
        return db.exec("COMMIT");
    };
    // The writer takes files as they finish, not in id order, and many may
    // be in flight: one large file parsing for seconds must not hold the
    // others behind it, or a core idles (in order, with 4 tokens a thread,
    // the kernel's pass kept 1.6 of 2 cores busy).
    const size_t tokens = 32 * static_cast<size_t>(std::max(1, tbb::this_task_arena::max_concurrency()));
    tbb::parallel_pipeline(
        tokens,
        tbb::make_filter<void, Job*>(tbb::filter_mode::serial_in_order,
                                     [&](tbb::flow_control& fc) -> Job* {
                                         if (next == todo.size() || error || (o.cancel && o.cancel->load())) {
                                             fc.stop();
                                             return nullptr;
                                         }
                                         auto* j = new Job;
                                         j->file = &todo[next++];
                                         return j;
                                     }) &
            tbb::make_filter<Job*, Job*>(tbb::filter_mode::parallel,
                                         [&](Job* j) {
                                             const Pending& f = *j->file;
                                             const Lang lang = lang_from_name(f.lang);
                                             if (!f.skip.empty()) {
                                                 j->outcome = f.skip;
                                             } else if (lang == Lang::kUnknown) {
                                                 j->outcome = "unsupported";
                                             } else if (static_cast<uint64_t>(f.size) > o.max_bytes) {
                                                 j->outcome = "too_large_for_symbols";
                                             } else {
                                                 std::string& buf = buffers.local();
                                                 int err = read_whole_file(o.root + "/" + f.path, buf);
                                                 if (err != 0) {
                                                     j->outcome = err == ENOENT ? "vanished" : "unreadable";
                                                     return j;
                                                 }
                                                 auto r = taggers.local().tag(lang, buf, j->tags,
                                                                              std::chrono::milliseconds(o.parse_budget_ms));
                                                 if (!r) {
                                                     j->outcome = "unsupported";
                                                 } else if (*r == TagOutcome::kTimeout) {
                                                     j->outcome = "parse_timeout";
                                                     j->tags.clear();
                                                 } else if (*r == TagOutcome::kNoGrammar) {
                                                     j->outcome = "unsupported";
                                                 } else {
                                                     j->outcome = "done";
                                                 }
                                             }
                                             return j;
                                         }) &
            tbb::make_filter<Job*, void>(tbb::filter_mode::serial_out_of_order, [&](Job* j) {
                std::unique_ptr<Job> owned(j);
                if (error) return;
                if (!in_tx) {
                    if (auto r = db.exec("BEGIN IMMEDIATE"); !r) {
                        error = r.error();
                        return;
                    }
                    in_tx = true;
                }
                if (auto r = writer.write(*j, stats); !r) {
                    error = r.error();
                    return;
                }
                if (++in_batch >= kBatch) {
                    if (auto r = commit(); !r) error = r.error();
                    if (o.progress) o.progress(stats.files, todo.size());
                }
            }));
    if (error) {
        if (in_tx) (void)db.exec("ROLLBACK");
        return *error;
    }
    if (auto r = commit(); !r) return r.error();
    if (o.progress) o.progress(stats.files, todo.size());
    stats.cancelled = o.cancel && o.cancel->load() && stats.files < todo.size();
    return stats;
}

}  // namespace idx::indexer
