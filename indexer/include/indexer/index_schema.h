// The on-disk index: one SQLite file. See docs/ARCHITECTURE.md for tables.
//
// Schema history (bump kSchemaVersion on any incompatible change; older
// indexes then ask for `idx index --rebuild`):
//   1  files, segments, postings (folded-trigram CRoaring lists), tags
//      (zstd blobs per file), def_names, ref_names, meta.
//   2  adds sym_chunks, sym_pairs, sym_delta (symbol dictionary), file_refs
//      and file_rank (file graph).
//   3  postings also hold word grams (indexer/trigram.h); the dictionary is
//      sym_blocks + sym_pairs by group; large files' tag blobs are split
//      into parts; def_names/ref_names keys are 32-bit. Older indexes are
//      rebuilt (`idx index --rebuild`): every derived table changed.
//   4  def_names/ref_names hold one row per 16-bit bucket of keys
//      (indexer/name_buckets.h) instead of one per (key, file).
#pragma once

#include <string>

#include "common/expected.h"
#include "indexer/sqlite.h"

namespace idx::indexer {

constexpr int kSchemaVersion = 5;

// Opens (creating when absent) an index for writing, in WAL mode. Refuses a
// file that is not an idx index (never overwritten, even with `rebuild`), and
// an index of another schema version unless `rebuild`.
Expected<Db> open_index_for_write(const std::string& path, bool rebuild);

// Drops every table and creates the current schema: `idx index --rebuild`.
// Call inside the transaction that refills the index, so that a crash
// leaves the old index in place.
Expected<void> reset_schema(Db& db);

// Opens an existing index read-only and checks its schema version.
Expected<Db> open_index_for_read(const std::string& path);

// Reads / writes one meta value ("" when absent).
Expected<std::string> read_meta(Db& db, const std::string& key);
Expected<void> write_meta(Db& db, const std::string& key, const std::string& value);
// A numeric meta value (0 when absent). The file is hostile input: a value
// that is not a number is kCorrupt ("rebuild"), never an exception.
Expected<int64_t> read_meta_int(Db& db, const std::string& key);

}  // namespace idx::indexer
