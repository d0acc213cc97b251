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
#include <memory>
#include <optional>
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

// The dictionary's names decoded into memory once, for a process that
// answers many lookups (idx watch's lookup server): its fuzzy lookups then
// read no block from SQLite and decode no front coding, and a name lacking
// one of the query's characters is passed over with one AND. Immutable
// once loaded, so safe to share across threads. It stands in only for the
// dictionary generation it was read from: every rebuild writes a new
// random meta dictionary_generation (a counter would start over after
// `--rebuild` drops the meta table), and an index without one (0: written
// by an older idx, which may rebuild the dictionary without changing it)
// is always read from SQLite. Each name is held twice, as it is and folded
// (see marked()), so that the scan finds a query's characters in it 16
// bytes at a time.
class DecodedDictionary {
public:
    // Every block, with the generation, in one read transaction.
    static Expected<std::shared_ptr<const DecodedDictionary>> load(Db& db);
    // The generation of `db`'s dictionary now (0 when no rebuild recorded one).
    static Expected<int64_t> current_generation(Db& db);

    int64_t generation() const { return generation_; }
    size_t groups() const { return group_first_.size() - 1; }
    // Group g's names are [first_name(g), first_name(g + 1)).
    uint32_t first_name(size_t g) const { return group_first_[g]; }
    std::string_view name(uint32_t i) const {
        const uint32_t begin = i == 0 ? 0 : ends_[i - 1];
        return std::string_view(text_).substr(begin, ends_[i] - begin);
    }
    // Which of [a-z0-9] the name holds once folded (marked()): bit c - 'a'
    // for letters, 26 + c - '0' for digits.
    uint64_t chars(uint32_t i) const { return chars_[i]; }
    // Name i folded, segment heads marked (append_marked_fold()), followed
    // by kMarkedPadding readable bytes.
    std::string_view marked(uint32_t i) const {
        const uint32_t begin = i == 0 ? 0 : marked_ends_[i - 1];
        return std::string_view(marked_).substr(begin, marked_ends_[i] - begin);
    }

private:
    int64_t generation_ = 0;
    std::string text_;                    // the names, back to back
    std::vector<uint32_t> ends_;          // where name i ends in text_
    std::vector<uint64_t> chars_;         // per name, see chars()
    std::string marked_;                  // see marked(), then the padding
    std::vector<uint32_t> marked_ends_;   // where name i's ends in marked_
    std::vector<uint32_t> group_first_{0};
};

// The character mask of chars() for a folded query's characters.
uint64_t query_chars(std::string_view folded_query);

// The other matches are read only when fewer than `enough_prefixed` names
// (0: `limit`) begin with the query. `decoded`, when of the dictionary's
// current generation (not 0), stands in for reading the blocks of the fuzzy tier,
// and two threads then share its groups when there are `split_groups` or
// more (tests lower it).
constexpr size_t kSplitGroups = 1024;
Expected<std::vector<ScoredName>> match_symbol_names(Db& db, std::string_view folded_query, size_t limit,
                                                     SymbolMatchStats* stats = nullptr, size_t enough_prefixed = 0,
                                                     const DecodedDictionary* decoded = nullptr,
                                                     size_t split_groups = kSplitGroups);

}  // namespace idx::indexer
