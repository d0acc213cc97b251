#include "indexer/index_reader.h"

#include "indexer/index_schema.h"
#include "indexer/name_buckets.h"
#include "indexer/path_order.h"
#include "indexer/posting_builder.h"
#include "indexer/posting_codec.h"
#include "indexer/symbol_codec.h"

#include <algorithm>
#include <functional>

namespace idx::indexer {
namespace {

// A gram's lists: one row per segment, keyed segment << kGramBits | gram
// (indexer/posting_builder.h). The segments table has a row per segment.
static_assert(kGramBits == 25, "the queries below shift segment ids by kGramBits");
// A join, not `key IN (subquery)`, which built a temporary table per call.
constexpr const char* kListsOfGram =
    "SELECT p.docs FROM segments s CROSS JOIN postings p WHERE p.key = (s.id << 25) | ?1";
constexpr const char* kSumOfGram =
    "SELECT COALESCE(SUM(length(p.docs)), 0) FROM segments s CROSS JOIN postings p WHERE p.key = (s.id << 25) | ?1";

}  // namespace

Expected<IndexReader> IndexReader::open(const std::string& db_path) {
    auto db = open_index_for_read(db_path);
    if (!db) return std::move(db).error();
    // Map the file instead of pread()ing pages: a lookup touches a few
    // hundred scattered pages, and each pread costs a syscall and a copy.
    // idx never shrinks an index file; another program truncating it while
    // a reader runs would fault the reader (SIGBUS) where pread would give
    // an I/O error (docs/ROBUSTNESS.md).
    if (auto r = db->exec("PRAGMA mmap_size = 4294967296"); !r) return std::move(r).error();
    IndexReader r;
    r.db_ = std::move(*db);
    return r;
}

// Statements are prepared on first use: a lookup uses two or three of them,
// and preparing costs about as much as running one.
Expected<Stmt*> IndexReader::cached(Stmt& st, const char* sql) {
    if (!st) {
        auto p = db_.prepare(sql);
        if (!p) return std::move(p).error();
        st = std::move(*p);
    }
    return &st;
}

#define IDX_FILE_COLUMNS "SELECT id, path, size, mtime_ns, inode, COALESCE(skip, ''), COALESCE(lang, '') FROM files "

Expected<std::optional<IndexedFile>> IndexReader::file_where(Stmt& st, bool reset) {
    auto row = st.step();
    if (!row) {
        st.reset();
        return std::move(row).error();
    }
    std::optional<IndexedFile> f;
    if (*row) {
        f.emplace();
        f->id = st.int64(0);
        f->path = std::string(st.text(1));
        f->size = st.int64(2);
        f->mtime_ns = st.int64(3);
        f->inode = st.int64(4);
        f->skip = std::string(st.text(5));
        f->lang = std::string(st.text(6));
    }
    if (reset) st.reset();
    return f;
}

Expected<std::optional<IndexedFile>> IndexReader::file(int64_t id) {
    auto st = cached(by_id_, IDX_FILE_COLUMNS "WHERE id = ?1");
    if (!st) return std::move(st).error();
    (*st)->bind(1, id);
    return file_where(**st);
}

Expected<std::optional<IndexedFile>> IndexReader::file(std::string_view path) {
    auto st = cached(by_path_, IDX_FILE_COLUMNS "WHERE path = ?1");
    if (!st) return std::move(st).error();
    (*st)->bind(1, path);
    return file_where(**st);
}

Expected<int64_t> IndexReader::ranked_files() {
    auto n = read_meta_int(db_, "ranked_files");
    if (!n) return n;
    return *n > 0 ? n : db_.scalar("SELECT count(*) FROM file_rank");
}

Expected<double> IndexReader::file_rank(int64_t id) {
    auto st = cached(rank_, "SELECT rank FROM file_rank WHERE file = ?1");
    if (!st) return std::move(st).error();
    rank_.bind(1, id);
    auto row = rank_.step();
    const double v = row && *row ? rank_.real(0) : 0.0;
    rank_.reset();
    if (!row) return std::move(row).error();
    return v;
}

Expected<std::vector<IndexedFile>> IndexReader::files() {
    auto st = db_.prepare("SELECT id, path, size, mtime_ns, inode, skip FROM files ORDER BY id");
    if (!st) return std::move(st).error();
    std::vector<IndexedFile> out;
    auto st_read = st->each([&](const Stmt& row) {
        IndexedFile f;
        f.id = row.int64(0);
        f.path = std::string(row.text(1));
        f.size = row.int64(2);
        f.mtime_ns = row.int64(3);
        f.inode = row.int64(4);
        f.skip = std::string(row.text(5));
        out.push_back(std::move(f));
    });
    if (!st_read) return st_read.error();
    return out;
}

Expected<std::vector<IndexedFile>> IndexReader::unsearchable_files() {
    auto st = db_.prepare(IDX_FILE_COLUMNS "WHERE skip IN ('too_large', 'unreadable', 'vanished') ORDER BY id");
    if (!st) return std::move(st).error();
    std::vector<IndexedFile> out;
    while (true) {
        auto f = file_where(*st, false);
        if (!f) return std::move(f).error();
        if (!*f) break;
        out.push_back(std::move(**f));
    }
    return out;
}

Expected<int64_t> IndexReader::updated_ns() { return read_meta_int(db_, "updated_ns"); }
Expected<int64_t> IndexReader::scan_started_ns() { return read_meta_int(db_, "scan_started_ns"); }

Expected<uint64_t> IndexReader::docs_bytes(Trigram t) {
    auto st = cached(postings_size_, kSumOfGram);
    if (!st) return std::move(st).error();
    (*st)->bind(1, static_cast<int64_t>(t));
    auto row = (*st)->step();
    if (!row) {
        (*st)->reset();
        return std::move(row).error();
    }
    const uint64_t bytes = *row ? static_cast<uint64_t>((*st)->int64(0)) : 0;
    (*st)->reset();
    return bytes;
}

Expected<Bitmap> IndexReader::docs(Trigram t) { return union_of_lists(t, decode_postings); }

Expected<Bitmap> IndexReader::docs_within(Trigram t, const roaring_bitmap_t* within) {
    std::vector<uint32_t> ids(roaring_bitmap_get_cardinality(within));
    roaring_bitmap_to_uint32_array(within, ids.data());
    return union_of_lists(t, [&](std::string_view blob) { return intersect_postings(blob, within, ids); });
}

Expected<Bitmap> IndexReader::union_of_lists(Trigram t, const std::function<Bitmap(std::string_view)>& read) {
    if (auto st = cached(postings_, kListsOfGram); !st) return std::move(st).error();
    Bitmap acc(roaring_bitmap_create());
    postings_.bind(1, static_cast<int64_t>(t));
    auto lists_read = postings_.each([&](const Stmt& row) -> Expected<void> {
        Bitmap b = read(row.blob(0));
        if (!b) {
            return Error{ErrorKind::kCorrupt, db_.path() + ": a posting list is corrupt; rebuild with `idx index --rebuild`"};
        }
        roaring_bitmap_or_inplace(acc.get(), b.get());
        return {};
    });
    postings_.reset();
    if (!lists_read) return lists_read.error();
    return acc;
}

Expected<Bitmap> IndexReader::live() {
    auto st = db_.prepare("SELECT id FROM files WHERE segment != 0");
    if (!st) return std::move(st).error();
    Bitmap b(roaring_bitmap_create());
    auto st_read = st->each([&](const Stmt& row) {
        roaring_bitmap_add(b.get(), static_cast<uint32_t>(row.int64(0)));
    });
    if (!st_read) return st_read.error();
    return b;
}

Expected<std::vector<Tag>> IndexReader::file_tags(int64_t file) {
    auto st = cached(tags_, "SELECT data FROM tags WHERE file = ?1");
    if (!st) return std::move(st).error();
    tags_.bind(1, file);
    auto row = tags_.step();
    if (!row) {
        tags_.reset();
        return std::move(row).error();
    }
    auto tags = *row ? decode_tags(tags_.blob(0)) : Expected<std::vector<Tag>>(std::vector<Tag>{});
    tags_.reset();
    return tags;
}

Expected<std::vector<SymbolHit>> IndexReader::find_tags(std::string_view name, bool definitions,
                                                        const std::unordered_set<int64_t>* only) {
    Stmt& names = definitions ? def_files_ : ref_files_;
    auto st = cached(names, definitions ? "SELECT data FROM def_names WHERE bucket = ?1"
                                        : "SELECT data FROM ref_names WHERE bucket = ?1");
    if (!st) return std::move(st).error();
    const int64_t key = name_hash(name);
    names.bind(1, static_cast<int64_t>(name_bucket(key)));
    auto bucket = names.step();
    if (!bucket) {
        names.reset();
        return std::move(bucket).error();
    }
    std::vector<NamePair> pairs;
    const bool ok = !*bucket || decode_name_bucket(names.blob(0), pairs);
    names.reset();
    if (!ok) return corrupt_name_bucket();
    struct Row {
        int64_t id;
        std::string path, lang;
    };
    std::vector<Row> files;
    auto file_row = cached(file_of_, "SELECT path, COALESCE(lang, '') FROM files WHERE id = ?1");
    if (!file_row) return std::move(file_row).error();
    const uint16_t low = name_low(key);
    for (auto it = std::lower_bound(pairs.begin(), pairs.end(), NamePair{low, INT64_MIN});
         it != pairs.end() && it->low == low; ++it) {
        if (only && !only->count(it->file)) continue;
        file_of_.bind(1, it->file);
        auto row = file_of_.step();
        if (!row) {
            file_of_.reset();
            return std::move(row).error();
        }
        if (*row) files.push_back({it->file, std::string(file_of_.text(0)), std::string(file_of_.text(1))});
        file_of_.reset();
    }
    auto blob = cached(tags_, "SELECT data FROM tags WHERE file = ?1");
    if (!blob) return std::move(blob).error();
    std::vector<SymbolHit> hits;
    for (auto& [id, path, lang] : files) {
        tags_.bind(1, id);
        auto row = tags_.step();
        if (!row) {
            tags_.reset();
            return std::move(row).error();
        }
        // Only the parts of the file's blob that may hold the name.
        auto tags = *row ? decode_tags_named(tags_.blob(0), name) : Expected<std::vector<Tag>>(std::vector<Tag>{});
        tags_.reset();
        if (!tags) return std::move(tags).error();
        for (Tag& t : *tags) {
            if (t.is_definition == definitions) hits.push_back({id, path, lang, std::move(t)});
        }
    }
    std::sort(hits.begin(), hits.end(), [](const SymbolHit& a, const SymbolHit& b) {
        if (a.path != b.path) return path_less(a.path, b.path);
        return a.tag.line < b.tag.line;
    });
    return hits;
}

}  // namespace idx::indexer
