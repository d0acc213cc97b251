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
// and a name scoring `at_least` or more is always returned. It folds the
// name (up to kMaxMatchedName kept bytes) before any test, so a caller
// expecting few matches filters with SubsequenceScan first.
std::optional<int> fuzzy_score(std::string_view folded_query, std::string_view name,
                               int at_least = std::numeric_limits<int>::min());

// The dictionary scan's first test, before fuzzy_score(): whether the
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

// Appends the pair ids (0..kPairCount) a name holds; may repeat ids.
void name_pairs(const FoldedName& name, std::vector<uint16_t>& out);
// The pair ids of a folded query's consecutive characters.
std::vector<uint16_t> query_pairs(std::string_view folded_query);

}  // namespace idx::indexer
