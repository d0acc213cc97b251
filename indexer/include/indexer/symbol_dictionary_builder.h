// Writes the symbol dictionary (its layout: symbol_dictionary.h) from the
// tags table. The writer side runs in the indexer's passes, on TBB; the
// lookups that read the dictionary never link this.
#pragma once

#include <cstdint>
#include <vector>

#include "common/expected.h"
#include "indexer/sqlite.h"

namespace idx::indexer {

// Rebuilds the dictionary from every definition in the tags table and
// empties the delta. Call inside the writer's transaction. Decoding the
// tags, sorting the names and building the pair index run on all cores.
Expected<void> rebuild_symbol_dictionary(Db& db);

// Adds the definition names of `files` (files.id) to the delta. Call inside
// the writer's transaction.
Expected<void> add_to_symbol_delta(Db& db, const std::vector<int64_t>& files);

}  // namespace idx::indexer
