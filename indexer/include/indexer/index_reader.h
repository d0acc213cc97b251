// IndexReader: a read-only view of an index for queries.
//
// Opens its own SQLite connection (WAL readers never block the writer and
// see one consistent snapshot per read transaction). Not thread-safe: one
// reader per thread.
#pragma once

#include <roaring/roaring.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "common/expected.h"
#include "indexer/bitmap.h"
#include "indexer/sqlite.h"
#include "indexer/tagger.h"
#include "indexer/trigram.h"

namespace idx::indexer {

struct IndexedFile {
    int64_t id = 0;
    std::string path;
    int64_t size = 0, mtime_ns = 0, inode = 0;
    std::string skip;  // "" when content-indexed
    std::string lang;  // "" when no grammar knows the file
};

struct SymbolHit {
    int64_t file = 0;
    std::string path, lang;
    Tag tag;
};

class IndexReader {
public:
    static Expected<IndexReader> open(const std::string& db_path);

    // Every file row (ids ascending).
    Expected<std::vector<IndexedFile>> files();
    // The files whose text holds trigram `t`: the union of all segments. It
    // may hold ids of files since changed or deleted; intersect with live().
    Expected<Bitmap> docs(Trigram t);
    // docs(t) ∩ `within`, without building the lists it only filters
    // (indexer/posting_codec.h intersect_postings).
    Expected<Bitmap> docs_within(Trigram t, const roaring_bitmap_t* within);
    // The stored size of trigram `t`'s posting lists (all segments), read
    // from the record headers without loading the lists: what docs(t) costs.
    Expected<uint64_t> docs_bytes(Trigram t);
    // Ids of all files with postings (the universe for "any trigram").
    Expected<Bitmap> live();

    // The rows whose content has no usable postings (too large,
    // unreadable, vanished while indexing): a search must read them whatever
    // it looks for. Uses the files_unsearchable index when there is one.
    Expected<std::vector<IndexedFile>> unsearchable_files();
    // When the index was last updated (meta updated_ns; 0 before the first
    // run). kCorrupt when the value is not a number.
    Expected<int64_t> updated_ns();
    // When the last update started reading (meta scan_started_ns; 0 if the
    // index predates it): files changed after it may be racily clean.
    Expected<int64_t> scan_started_ns();

    // One file row by id or by path (relative to the root); nullopt if absent.
    Expected<std::optional<IndexedFile>> file(int64_t id);
    Expected<std::optional<IndexedFile>> file(std::string_view path);
    // The file's PageRank in the file graph (0 when unranked).
    Expected<double> file_rank(int64_t id);
    // How many files have a rank (meta ranked_files; counted in an index
    // written before that row existed).
    Expected<int64_t> ranked_files();

    // Tags named exactly `name`: definitions, or references (from the
    // grammars' tags.scm), ordered by path then line.
    // With `only`, just the tags in those files (files.id).
    Expected<std::vector<SymbolHit>> find_tags(std::string_view name, bool definitions,
                                               const std::unordered_set<int64_t>* only = nullptr);
    // All tags of one file, in source order.
    Expected<std::vector<Tag>> file_tags(int64_t file);

    Db& db() { return db_; }

private:
    // The next row of `st` (reset after it unless `reset` is false, to step on).
    Expected<std::optional<IndexedFile>> file_where(Stmt& st, bool reset = true);
    Expected<Stmt*> cached(Stmt& st, const char* sql);

    // The union over `t`'s segments of read(blob).
    Expected<Bitmap> union_of_lists(Trigram t, const std::function<Bitmap(std::string_view)>& read);

    Db db_;
    Stmt postings_, postings_size_, by_id_, by_path_, rank_, tags_, def_files_, ref_files_, file_of_;
};

}  // namespace idx::indexer
