// Fuzzy matching of symbol names for `idx sym`, and the character pairs the
// symbol dictionary indexes to find candidates without scanning every name.
//
// The match rule (documented in ARCHITECTURE.md): names and queries are
// folded to lowercase ASCII letters and digits; other bytes are dropped, but
// a dropped '_' or a lower-to-upper or letter-digit change makes the next
// kept character a segment head ("mutex_lock" -> m...l, "getHTTPCode" ->
// g..h...c). The folded query must embed in the folded name in order, each
// character at most kMaxGap positions after the previous one, or on one of
// the next kHeadJumps segment heads after it. So "mtxlck" finds mutex_lock,
// "spnlk" spin_lock and "mlnested" mutex_lock_nested.
//
// Pairs: a name holds pair (a, b) when b follows a in one such step. A
// query's consecutive characters form pairs that every matching name holds,
// so a chunk of names lacking one of them cannot match (the dictionary's
// filter; tested as a property).
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace idx::indexer {

constexpr int kMaxGap = 4;
constexpr int kHeadJumps = 2;
constexpr int kPairCount = 36 * 36;
constexpr size_t kMaxMatchedName = 256;  // longer names match on their first 256 folded bytes

struct FoldedName {
    std::string chars;           // [a-z0-9]
    std::vector<uint8_t> heads;  // 1 where chars[i] starts a segment
};

FoldedName fold_name(std::string_view name);
std::string fold_query(std::string_view query);
// How fold_query(name) compares with the folded query `q`, without building
// it: 0 when q begins it, else below (< 0) or above (> 0) every name q begins.
int compare_folded_prefix(std::string_view name, std::string_view q);

// The match score of a folded query against `name` (higher is better), or
// nothing when it does not match. Exact and prefix matches score highest.
// With `at_least`, a name whose score cannot reach it (an upper bound from
// its folded length and segments, taken before the match itself is
// scored) may also give nothing: a returned score is always the exact one,
// and a name scoring `at_least` or more is always returned. The plain
// statement of the rule; SubsequenceScan and FuzzyMatcher below are the
// fast one.
std::optional<int> fuzzy_score(std::string_view folded_query, std::string_view name,
                               int at_least = std::numeric_limits<int>::min());

// The dictionary scan's first test, before FuzzyMatcher: whether the
// folded query may be a subsequence of a name, for names fed in the order a
// group front codes them. The greedy state over the bytes a name shares with
// the previous one is kept, so only its new suffix is read. Bytes are
// compared as `byte | 0x20` with the query's [a-z0-9]: that maps every
// letter to its lowercase and keeps digits, sends `@[\]^_` and the other
// punctuation outside [a-z0-9], and maps bytes 0x10-0x19 to digits, which
// can only let a name through, never turn one away (more places to match
// a greedy scan only moves it earlier). So no name fuzzy_score() accepts
// is rejected. The caller feeds every name of a sequence in order, the
// first with shared = 0, and `shared` never exceeds the previous name's
// length (a front-coded group guarantees both).
class SubsequenceScan {
public:
    explicit SubsequenceScan(std::string_view folded_query) : q_(folded_query), end_(folded_query.size()) {}
    // `name` with its first `shared` bytes equal to the previous name's
    // (0 for a name that follows none).
    bool may_match(std::string_view name, size_t shared);

private:
    std::string_view q_;
    // end_[i], i < matched_: where the greedy scan of the previous name
    // matched q_[i] (one past its byte); ascending. The scan of a prefix of
    // that name matched exactly the characters whose ends lie within it.
    std::vector<size_t> end_;
    size_t matched_ = 0;
};

// fuzzy_score() prepared once for a query and run on many names, as the
// dictionary's fuzzy tier does: score() returns exactly what fuzzy_score()
// returns (tested as a property). It reads a name's bytes once, noting for
// each query character the set of name positions (64 to a word) holding
// it, and the DP then visits only the positions reachable so far, where
// fuzzy_score() fills every position for every query character. Names of
// more than 64 folded bytes, and queries of more than 64, go to
// fuzzy_score() itself.
class FuzzyMatcher {
public:
    explicit FuzzyMatcher(std::string_view folded_query);
    // As fuzzy_score(query, name, at_least); `begins`, when given, is set
    // to whether the query begins the name's folded form
    // (compare_folded_prefix() == 0).
    std::optional<int> score(std::string_view name, int at_least = std::numeric_limits<int>::min(),
                             bool* begins = nullptr) const;
    // The same for a name already folded by append_marked_fold() into
    // `marked`, which must be followed by at least kMarkedPadding readable
    // bytes: its positions are then found 16 at a time.
    std::optional<int> score_marked(std::string_view marked, std::string_view name, int at_least,
                                    bool* begins) const;

private:
    std::optional<int> score_long(std::string_view name, int at_least, bool* begins) const;
    // The DP on a name's positions: at[k], where q_[k] stands; `heads`.
    std::optional<int> score_positions(const uint64_t* at, uint64_t heads, size_t len, std::string_view name,
                                       int at_least, bool* begins) const;

    std::string q_;
    // at_[b]: the query positions (bit k for q_[k]) that byte b stands for once folded.
    std::array<uint64_t, 256> at_{};
};

// Appends fold_name(name) with each segment head's byte marked by its top
// bit (c | 0x80): one byte a position, for FuzzyMatcher::score_marked().
void append_marked_fold(std::string_view name, std::string& out);
constexpr size_t kMarkedPadding = 64;

// Appends the pair ids (0..kPairCount) a name holds; may repeat ids.
void name_pairs(const FoldedName& name, std::vector<uint16_t>& out);
// The pair ids of a folded query's consecutive characters.
std::vector<uint16_t> query_pairs(std::string_view folded_query);

}  // namespace idx::indexer
