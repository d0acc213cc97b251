// The symbol dictionary behind `idx sym`: every distinct definition name,
// sorted by its folded form, in blocks of kBlockNames made of groups of
// kGroupNames, with an inverted index from character pairs (see
// symbol_match.h) to the groups that hold them.
//
// Tables: sym_blocks(id, first: the folded form of the block's first name,
// names: the groups, front coded), sym_pairs(pair, groups: CRoaring bitmap
// of group ids, id = name's position / kGroupNames), sym_delta(name): names
// defined by files tagged since the last rebuild (an LSM-style delta,
// scanned whole).
//
// A lookup has two tiers. The names the query begins (after folding) are
// one run of the sorted blocks, found from the blocks' first keys; they rank
// above every other match, so when they fill the answer nothing else is
// read. Otherwise the pair index gives the groups that may match.
// Names no longer defined anywhere may linger until the next rebuild; the
// lookup drops them when it resolves names to definitions.
//
// This header reads the dictionary; symbol_dictionary_builder.h writes it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/expected.h"
#include "indexer/sqlite.h"

namespace idx::indexer {

constexpr size_t kBlockNames = 64;
constexpr size_t kGroupNames = 4;
constexpr size_t kMaxDeltaNames = 50'000;  // beyond this the dictionary is rebuilt

// The best `limit` dictionary names that fuzzy-match `folded_query`
// (fold_query()): the names it begins first, then by score.
struct ScoredName {
    std::string name;
    int score = 0;
    bool prefix = false;  // the query begins the name's folded form
};
struct SymbolMatchStats {
    bool fuzzy_tier = false;  // the names the query begins were too few: the pair index was read
    uint64_t groups = 0, candidate_groups = 0, names_scored = 0, delta_names = 0;
};
// The other matches are read only when fewer than `enough_prefixed` names
// (0: `limit`) begin with the query.
Expected<std::vector<ScoredName>> match_symbol_names(Db& db, std::string_view folded_query, size_t limit,
                                                     SymbolMatchStats* stats = nullptr, size_t enough_prefixed = 0);

}  // namespace idx::indexer
