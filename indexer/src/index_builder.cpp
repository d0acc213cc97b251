#include "indexer/index_builder.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <future>
#include <mutex>
#include <optional>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_pipeline.h>
#include <tbb/task_arena.h>
#include <tbb/task_group.h>
#include <unordered_map>
#include <vector>
#include <xxhash.h>

#include "common/file_io.h"
#include "indexer/binary_detection.h"
#include "indexer/git_blob_ids.h"
#include "indexer/index_schema.h"
#include "indexer/posting_builder.h"
#include "indexer/segment_merger.h"
#include "indexer/derived_pass.h"
#include "indexer/symbol_pass.h"
#include "indexer/tag_store.h"
#include "indexer/tags_query.h"
#include "indexer/trigram.h"
#include "indexer/walker.h"
#include "old_file_table.h"

namespace idx::indexer {
namespace {

using Clock = std::chrono::steady_clock;

int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

class CollectingSink final : public WalkSink {
public:
    explicit CollectingSink(IndexObserver* obs) : obs_(obs) {}
    void on_file(FileEntry&& e) override { files_.local().push_back(std::move(e)); }
    void on_error(const Error& e, bool) override {
        if (obs_) obs_->on_warning(e);
    }
    void on_dir(const std::string& fs_path) override {
        if (obs_) obs_->on_dir(fs_path);
    }
    std::vector<FileEntry> take() {
        std::vector<FileEntry> all;
        for (auto& v : files_) all.insert(all.end(), std::make_move_iterator(v.begin()), std::make_move_iterator(v.end()));
        return all;
    }

private:
    IndexObserver* obs_;
    tbb::enumerable_thread_specific<std::vector<FileEntry>> files_;
};

// One file on its way through the pipeline.
struct Work {
    const FileEntry* entry = nullptr;
    OldFile* old = nullptr;
    const std::string* git_oid = nullptr;  // the file's blob id, when clean in git
    int err = 0;  // errno from reading
    int64_t hash = 0;
    std::string skip;  // "" when fully content-indexed
    std::optional<int64_t> nul_offset;
    uint64_t bytes = 0;
    std::vector<Trigram> trigrams;
};

struct ThreadState {
    TrigramExtractor extractor;
    std::string buf;
};

// Stage B: read, hash, classify and extract trigrams. Runs in parallel.
void process(Work& w, const IndexOptions& o, ThreadState& ts) {
    const FileEntry& e = *w.entry;
    if (e.size > o.max_content_bytes) {
        w.skip = "too_large";
        w.hash = 0;
        return;
    }
    w.err = read_whole_file(o.root + "/" + e.path, ts.buf, e.size);
    if (w.err != 0) return;
    w.bytes = ts.buf.size();
    w.hash = static_cast<int64_t>(XXH3_64bits(ts.buf.data(), ts.buf.size()));
    std::string_view text = ts.buf;
    if (auto cut = binary_cutoff(text)) {
        // Index what ripgrep would search of it; the rest is never a match.
        w.skip = "binary";
        w.nul_offset = static_cast<int64_t>(cut->nul_offset);
        text = text.substr(0, cut->searched_bytes);
    }
    // Word grams serve `idx refs`, which reads only these files.
    const bool words = w.skip.empty() && e.lang != Lang::kUnknown && e.size <= kMaxSymbolBytes;  // refs' test
    ts.extractor.extract(text, w.trigrams, words);
    if (!words && e.lang != Lang::kUnknown) w.trigrams.push_back(kNoWordGrams);
}

class Writer {
public:
    Writer(Db& db, const IndexOptions& o, IndexStats& s) : db_(db), o_(o), s_(s) {}

    int64_t next_id() const { return next_id_; }

    Expected<void> prepare(int64_t next_id, int64_t segment) {
        next_id_ = next_id;
        segment_ = segment;
        auto ins = db_.prepare(
            "INSERT INTO files(id, path, size, mtime_ns, inode, hash, lang, skip, nul_offset, segment, symbols, git_oid) "
            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, NULL, ?11)");
        auto del = db_.prepare("DELETE FROM files WHERE id = ?1");
        auto touch = db_.prepare("UPDATE files SET size = ?2, mtime_ns = ?3, inode = ?4 WHERE id = ?1");
        auto tags = TagStore::prepare(db_);
        if (!tags) return tags.error();
        tags_ = std::move(*tags);
        if (!ins) return ins.error();
        if (!del) return del.error();
        if (!touch) return touch.error();
        ins_ = std::move(*ins);
        del_ = std::move(*del);
        touch_ = std::move(*touch);
        return {};
    }

    // Metadata changed, content known equal (same hash or same git blob id).
    Expected<void> touch(int64_t id, const FileEntry& e) {
        ++s_.touched;
        touch_.bind(1, id).bind(2, static_cast<int64_t>(e.size)).bind(3, e.mtime_ns);
        touch_.bind(4, static_cast<int64_t>(e.inode));
        return touch_.run();
    }

    Expected<void> remove(int64_t id) {
        if (auto r = tags_.remove(id); !r) return r;
        del_.bind(1, id);
        return del_.run();
    }

    // Stage C: runs serially, in input order.
    Expected<void> write(Work& w) {
        const FileEntry& e = *w.entry;
        if (w.err == ENOENT || w.err == ENOTDIR || w.err == ELOOP) {
            // Gone since the walk: recorded, so that status says so; the
            // next run drops it.
            ++s_.vanished;
            w.skip = "vanished";
        } else if (w.err != 0) {
            w.skip = "unreadable";
        }
        if (w.old && w.err == 0 && w.skip != "too_large" && w.old->hash == w.hash && w.old->skip == w.skip) {
            return touch(w.old->id, e);
        }
        if (w.old) {
            ++s_.changed;
            if (auto r = remove(w.old->id); !r) return r;
        } else {
            ++s_.added;
        }
        if (w.skip == "binary") ++s_.binary;
        if (w.skip == "too_large") ++s_.too_large;
        if (w.skip == "unreadable") ++s_.unreadable;
        s_.bytes_read += w.bytes;
        const int64_t id = next_id_++;
        ins_.bind(1, id).bind(2, e.path).bind(3, static_cast<int64_t>(e.size)).bind(4, e.mtime_ns);
        ins_.bind(5, static_cast<int64_t>(e.inode));
        if (w.err != 0 || w.skip == "too_large") {
            ins_.bind_null(6);
        } else {
            ins_.bind(6, w.hash);
        }
        ins_.bind(7, std::string_view(lang_name(e.lang)));
        if (w.skip.empty()) {
            ins_.bind_null(8);
        } else {
            ins_.bind(8, w.skip);
        }
        if (w.nul_offset) {
            ins_.bind(9, *w.nul_offset);
        } else {
            ins_.bind_null(9);
        }
        ins_.bind(10, w.trigrams.empty() ? 0 : segment_);
        if (w.git_oid) {
            ins_.bind(11, *w.git_oid);
        } else {
            ins_.bind_null(11);
        }
        if (auto r = ins_.run(); !r) return r;
        if (!w.trigrams.empty()) {
            postings_.add(static_cast<uint32_t>(id), w.trigrams);
            ++segment_files_;
            if (postings_.pairs() >= o_.flush_pairs) return flush();
        }
        return {};
    }

    Expected<void> flush() {
        if (auto r = tags_.flush(); !r) return r;
        if (postings_.empty()) return {};
        auto seg = db_.prepare("INSERT INTO segments(id, created_ns, files, pairs) VALUES (?1, ?2, ?3, ?4)");
        if (!seg) return seg.error();
        seg->bind(1, segment_).bind(2, now_ns()).bind(3, segment_files_).bind(4, static_cast<int64_t>(postings_.pairs()));
        if (auto r = seg->run(); !r) return r;
        s_.pairs += postings_.pairs();
        if (auto r = postings_.flush(db_, segment_); !r) return r;
        ++s_.segments_written;
        ++segment_;
        segment_files_ = 0;
        return {};
    }

private:
    Db& db_;
    const IndexOptions& o_;
    IndexStats& s_;
    Stmt ins_, del_, touch_;
    TagStore tags_;
    PostingBuilder postings_;
    int64_t next_id_ = 1, segment_ = 1, segment_files_ = 0;
};

}  // namespace

Expected<IndexStats> build_index(const IndexOptions& o, IndexObserver* observer) {
    const auto start = Clock::now();
    IndexStats stats;
    auto db = open_index_for_write(o.db_path, o.rebuild);
    if (!db) return std::move(db).error();

    // 1. Take the write lock. Then, at once: walk the tree (which files
    //    exist now), read what the index holds, and ask git for blob ids.
    if (auto r = db->exec("BEGIN IMMEDIATE"); !r) return r.error();
    auto fail = [&](Error e) -> Expected<IndexStats> {
        (void)db->exec("ROLLBACK");
        return e;
    };
    if (o.rebuild) {
        if (auto r = reset_schema(*db); !r) return fail(r.error());
    }
    WalkOptions walk = o.walk;
    walk.paths.clear();
    walk.base_dir = o.root;
    walk.want_metadata = true;
    CollectingSink sink(observer);
    std::optional<Expected<WalkStats>> walked;
    // In a git checkout, a clean file's blob id names its content: a file
    // whose mtime differs (another clone) but whose blob id matches is not
    // read again.
    std::unordered_map<std::string, std::string> git_ids;
    tbb::task_group side;
    // Before the walk and git: a file changed after this moment may have
    // been read in the same clock tick (see kRacyNs).
    const int64_t scan_started = now_ns();
    auto prev_scan = read_meta_int(*db, "scan_started_ns");
    if (!prev_scan) return fail(prev_scan.error());
    const int64_t prev_scan_started = *prev_scan;
    side.run([&] { walked = indexer::walk(walk, sink); });
    side.run([&] { git_ids = git_blob_ids(o.root); });
    OldFileTable old;
    // Loaded meanwhile on this thread; the walk's tasks are waited for
    // before any return.
    auto loaded = [&]() -> Expected<void> {
        if (auto n = db->scalar("SELECT COUNT(*) FROM files"); n) old.reserve(static_cast<size_t>(*n));
        auto st = db->prepare("SELECT id, path, size, mtime_ns, inode, hash, skip, COALESCE(git_oid, '') FROM files");
        if (!st) return st.error();
        return st->each([&](const Stmt& row) {
            old.add(row.text(1), OldFile{row.int64(0), row.int64(2), row.int64(3), row.int64(4), row.int64(5),
                                         std::string(row.text(6)), std::string(row.text(7))});
        });
    }();
    side.wait();
    if (!loaded) return fail(loaded.error());
    if (!*walked) return fail(walked->error());
    std::vector<FileEntry> files = sink.take();

    std::vector<Work> todo;
    std::vector<std::pair<int64_t, const FileEntry*>> git_same;
    IndexProgress progress;
    size_t seen = 0;  // distinct old files the walk found
    for (const FileEntry& e : files) {
        OldFile* prev = old.find(e.path);
        if (prev && !prev->seen) {
            prev->seen = true;
            ++seen;
        }
        const bool usable = prev && prev->skip != "unreadable" && prev->skip != "vanished";
        const bool racy = prev && prev->mtime_ns >= prev_scan_started - kRacyNs;
        if (usable && !racy && prev->size == static_cast<int64_t>(e.size) && prev->mtime_ns == e.mtime_ns &&
            prev->inode == static_cast<int64_t>(e.inode)) {
            ++stats.unchanged;
            continue;
        }
        auto git = git_ids.find(e.path);
        // git's blob id vouches for the content only if the file was not
        // changed while (or just before) git looked.
        if (usable && git != git_ids.end() && !prev->git_oid.empty() && prev->git_oid == git->second &&
            prev->size == static_cast<int64_t>(e.size) && e.mtime_ns < scan_started - kRacyNs) {
            git_same.emplace_back(prev->id, &e);
            continue;
        }
        Work w;
        w.entry = &e;
        w.old = prev;
        w.git_oid = git == git_ids.end() ? nullptr : &git->second;
        todo.push_back(std::move(w));
        progress.bytes_total += e.size;
    }
    progress.files_total = todo.size();

    // The symbol pass compiles each language's tags query on first use
    // (~40 ms for C, most of it tree-sitter's analysis of idx's added
    // patterns). Compiled now, on another thread, it is ready when the
    // content phase below has written the files; the futures wait for
    // their compiles when this function returns, on any path.
    std::vector<std::future<void>> warm_queries;
    if (o.symbols) {
        std::array<bool, 16> wanted{};
        for (const Work& w : todo) {
            const auto lang = static_cast<size_t>(w.entry->lang);
            if (w.entry->lang == Lang::kUnknown || w.entry->size > kMaxSymbolBytes || lang >= wanted.size() ||
                wanted[lang]) {
                continue;
            }
            wanted[lang] = true;
            warm_queries.push_back(std::async(std::launch::async, [l = w.entry->lang] { (void)TagsQuery::for_lang(l); }));
        }
    }

    // File ids are never reused: an older segment may still list a deleted
    // file's id (tombstones by absence), and a new file given that id would
    // inherit its postings. meta.next_file_id keeps the high-water mark
    // when the highest ids are deleted.
    auto next_id = db->scalar("SELECT COALESCE(MAX(id), 0) + 1 FROM files");
    auto next_mark = read_meta_int(*db, "next_file_id");
    auto next_seg = db->scalar("SELECT COALESCE(MAX(id), 0) + 1 FROM segments");
    if (!next_id) return fail(next_id.error());
    if (!next_mark) return fail(next_mark.error());
    if (!next_seg) return fail(next_seg.error());
    Writer writer(*db, o, stats);
    if (auto r = writer.prepare(std::max(*next_id, *next_mark), *next_seg); !r) return fail(r.error());

    for (auto [id, entry] : git_same) {
        if (auto r = writer.touch(id, *entry); !r) return fail(r.error());
    }

    // 3. Deleted files: in the index, not in the tree. When the walk found
    // them all, the table (78k rows on Linux) is not walked again.
    if (seen < old.size()) {
        std::optional<Error> removing;
        old.each([&](std::string_view, OldFile& f) {
            if (f.seen || removing) return;
            ++stats.deleted;
            if (auto r = writer.remove(f.id); !r) removing = r.error();
        });
        if (removing) return fail(*removing);
    }

    // 4. The pipeline: read and extract in parallel, write in order.
    tbb::enumerable_thread_specific<ThreadState> states;
    std::optional<Error> error;
    bool cancelled = false;
    size_t next = 0;
    auto last_report = Clock::now();
    const size_t tokens = 4 * static_cast<size_t>(std::max(1, tbb::this_task_arena::max_concurrency()));
    tbb::parallel_pipeline(
        tokens,
        tbb::make_filter<void, Work*>(tbb::filter_mode::serial_in_order,
                                      [&](tbb::flow_control& fc) -> Work* {
                                          if (next == todo.size() || error || cancelled) {
                                              fc.stop();
                                              return nullptr;
                                          }
                                          return &todo[next++];
                                      }) &
            tbb::make_filter<Work*, Work*>(tbb::filter_mode::parallel,
                                           [&](Work* w) {
                                               if (!(o.cancel && o.cancel->load())) process(*w, o, states.local());
                                               return w;
                                           }) &
            tbb::make_filter<Work*, void>(tbb::filter_mode::serial_in_order, [&](Work* w) {
                if (error || cancelled) return;
                if (o.cancel && o.cancel->load()) {
                    cancelled = true;
                    return;
                }
                if (auto r = writer.write(*w); !r) error = std::move(r).error();
                progress.files_done++;
                progress.bytes_done += w->entry->size;
                std::vector<Trigram>().swap(w->trigrams);  // release memory early
                if (observer && Clock::now() - last_report > std::chrono::milliseconds(100)) {
                    last_report = Clock::now();
                    observer->on_progress(progress);
                }
            }));
    if (cancelled) return fail(Error{ErrorKind::kIo, "interrupted; the index is unchanged"});
    if (error) return fail(*error);
    if (auto r = writer.flush(); !r) return fail(r.error());

    // 5. Keep the number of segments small (and drop stale postings).
    const bool wrote = stats.added + stats.changed + stats.deleted + stats.vanished > 0;
    if (wrote) {
        if (auto r = compact_segments(*db); !r) return fail(r.error());
    }

    stats.updated_ns = now_ns();
    if (auto r = write_meta(*db, "updated_ns", std::to_string(stats.updated_ns)); !r) return fail(r.error());
    if (auto r = write_meta(*db, "scan_started_ns", std::to_string(scan_started)); !r) return fail(r.error());
    if (auto r = write_meta(*db, "root", o.root); !r) return fail(r.error());
    if (auto r = write_meta(*db, "next_file_id", std::to_string(writer.next_id())); !r) return fail(r.error());
    if (auto r = db->exec("COMMIT"); !r) return fail(r.error());
    if (observer) observer->on_progress(progress);
    stats.content_seconds = std::chrono::duration<double>(Clock::now() - start).count();

    // 6. Symbols, after the content is committed (search works meanwhile).
    if (o.symbols) {
        SymbolPassOptions so;
        so.root = o.root;
        so.cancel = o.cancel;
        if (observer) {
            so.progress = [&](uint64_t done, uint64_t total) {
                IndexProgress p;
                p.files_done = done;
                p.files_total = total;
                p.phase = "symbols";
                observer->on_progress(p);
            };
        }
        auto dirty = read_meta(*db, "derived_dirty");
        if (!dirty) return std::move(dirty).error();
        auto sp = run_symbol_pass(*db, so);
        if (!sp) return std::move(sp).error();
        stats.symbol_files = sp->files;
        stats.definitions = sp->definitions;
        stats.references = sp->references;
        stats.symbols_interrupted = sp->cancelled;
        if (!sp->cancelled) {
            if (observer) {
                IndexProgress p;
                p.phase = "symbol graph";
                observer->on_progress(p);
            }
            auto dp = run_derived_pass(*db, o.root, sp->tagged, *dirty == "1", o.cancel);
            if (!dp) return std::move(dp).error();
            stats.symbols_interrupted = dp->cancelled;
            stats.graph_files = dp->graph_files;
        }
    }

    if (!o.out_path.empty()) {
        // A compact, self-contained copy: the artifact a CI job uploads. It
        // replaces an older idx index at that path, never any other file.
        struct stat st {};
        if (::stat(o.out_path.c_str(), &st) == 0 && st.st_size > 0) {
            auto existing = open_index_for_read(o.out_path);
            if (!existing && existing.error().kind == ErrorKind::kCorrupt) {
                return Error{ErrorKind::kInvalidArgument, "--out " + o.out_path + ": exists and is not an idx index; "
                                                                                  "not overwriting it"};
            }
        }
        const std::string tmp = o.out_path + ".tmp";
        ::unlink(tmp.c_str());
        auto vac = db->prepare("VACUUM INTO ?1");
        if (!vac) return std::move(vac).error();
        vac->bind(1, tmp);
        if (auto r = vac->run(); !r) return std::move(r).error();
        if (::rename(tmp.c_str(), o.out_path.c_str()) != 0) return Error::from_errno(errno, "--out " + o.out_path);
    }

    stats.files = old.size() + stats.added - stats.deleted;
    stats.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    return stats;
}

}  // namespace idx::indexer
