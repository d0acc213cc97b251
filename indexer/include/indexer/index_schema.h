// The on-disk index: one SQLite file. See docs/ARCHITECTURE.md for tables.
//
// Schema history (bump kSchemaVersion on any incompatible change; older
// indexes then ask for `idx index --rebuild`):
//   1  files, segments, postings (folded-trigram CRoaring lists), meta.
#pragma once

#include <string>

#include "common/expected.h"
#include "indexer/sqlite.h"

namespace idx::indexer {

constexpr int kSchemaVersion = 1;

// Opens (creating when absent) an index for writing, in WAL mode. Refuses a
// file that is not an idx index, or one of another schema version, unless
// `rebuild` and the file is an idx index (any version) or an empty file:
// then it is replaced. Never overwrites anything else.
Expected<Db> open_index_for_write(const std::string& path, bool rebuild);

// Opens an existing index read-only and checks its schema version.
Expected<Db> open_index_for_read(const std::string& path);

// Reads / writes one meta value ("" when absent).
Expected<std::string> read_meta(Db& db, const std::string& key);
Expected<void> write_meta(Db& db, const std::string& key, const std::string& value);

}  // namespace idx::indexer
