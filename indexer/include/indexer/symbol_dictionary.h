// The symbol dictionary behind `idx sym`: every distinct definition name,
// sorted, in chunks of kChunkNames, with an inverted index from character
// pairs (see symbol_match.h) to the chunks that hold them.
//
// Tables: sym_chunks(id, names: front-coded sorted names), sym_pairs(pair,
// chunks: CRoaring bitmap of chunk ids), sym_delta(name): names defined by
// files tagged since the last rebuild (an LSM-style delta, scanned whole).
// Names no longer defined anywhere may linger until the next rebuild; the
// lookup drops them when it resolves names to definitions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/expected.h"
#include "indexer/sqlite.h"

namespace idx::indexer {

constexpr size_t kChunkNames = 32;
constexpr size_t kMaxDeltaNames = 50'000;  // beyond this the dictionary is rebuilt

// Rebuilds the dictionary from every definition in the tags table and
// empties the delta. Call inside the writer's transaction.
Expected<void> rebuild_symbol_dictionary(Db& db);

// Adds the definition names of `files` (files.id) to the delta. Call inside
// the writer's transaction.
Expected<void> add_to_symbol_delta(Db& db, const std::vector<int64_t>& files);

// Every dictionary name that fuzzy-matches `folded_query` (fold_query()),
// with its score, best first; at most `limit` names.
struct ScoredName {
    std::string name;
    int score = 0;
};
struct SymbolMatchStats {
    uint64_t chunks = 0, candidate_chunks = 0, names_scored = 0, delta_names = 0;
};
Expected<std::vector<ScoredName>> match_symbol_names(Db& db, std::string_view folded_query, size_t limit,
                                                     SymbolMatchStats* stats = nullptr);

}  // namespace idx::indexer
