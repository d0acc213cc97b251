#include "indexer/symbol_match.h"

#include <algorithm>
#include <array>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif


namespace idx::indexer {
namespace {

int code(char c) { return c >= 'a' ? c - 'a' : 26 + (c - '0'); }
bool lower(char c) { return c >= 'a' && c <= 'z'; }
bool upper(char c) { return c >= 'A' && c <= 'Z'; }
bool digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

namespace {

// Byte classes for folding: other bytes are dropped and end a segment.
enum : uint8_t { kOther = 0, kLower = 1, kUpper = 2, kDigit = 3 };

constexpr std::array<uint8_t, 256> make_classes() {
    std::array<uint8_t, 256> t{};
    for (int c = 'a'; c <= 'z'; ++c) t[static_cast<size_t>(c)] = kLower;
    for (int c = 'A'; c <= 'Z'; ++c) t[static_cast<size_t>(c)] = kUpper;
    for (int c = '0'; c <= '9'; ++c) t[static_cast<size_t>(c)] = kDigit;
    return t;
}
constexpr std::array<uint8_t, 256> kClass = make_classes();

// kStartsSegment[previous kept byte's class][this byte's class], kOther
// standing for "none since the last dropped byte": the first kept byte
// after a dropped one, an upper after a non-upper, and a change between
// digits and the rest each start a segment.
constexpr uint8_t kStartsSegment[4][4] = {
    {1, 1, 1, 1},  // after a dropped byte or at the start
    {0, 0, 1, 1},  // after a lower
    {0, 0, 0, 1},  // after an upper
    {0, 1, 1, 0},  // after a digit
};

// fold_name() into caller-provided arrays of kMaxMatchedName bytes; returns
// the folded length. fuzzy_score() runs it for every name the dictionary
// scan lets through, so it allocates nothing and branches little.
size_t fold_into(std::string_view name, char* chars, uint8_t* heads) {
    size_t len = 0;
    uint8_t prev = kOther;
    for (char c : name) {
        const uint8_t cls = kClass[static_cast<unsigned char>(c)];
        if (cls == kOther) {
            prev = kOther;
            continue;
        }
        if (len == kMaxMatchedName) break;
        chars[len] = cls == kUpper ? static_cast<char>(c - 'A' + 'a') : c;
        heads[len] = kStartsSegment[prev][cls];
        ++len;
        // "HTTPCode": the C of Code starts a segment (an upper followed by a lower after uppers).
        if (cls == kLower && prev == kUpper && len >= 3) heads[len - 2] = 1;
        prev = cls;
    }
    return len;
}

// heads_after[i]: the first kHeadJumps segment heads after position i (-1: none).
void next_heads_into(const uint8_t* heads, size_t len, std::array<int, kHeadJumps>* heads_after) {
    std::array<int, kHeadJumps> ahead;
    ahead.fill(-1);
    for (size_t i = len; i-- > 0;) {
        heads_after[i] = ahead;
        if (heads[i]) {
            for (int h = kHeadJumps - 1; h > 0; --h) ahead[h] = ahead[h - 1];
            ahead[0] = static_cast<int>(i);
        }
    }
}

}  // namespace

FoldedName fold_name(std::string_view name) {
    char chars[kMaxMatchedName];
    uint8_t heads[kMaxMatchedName];
    const size_t len = fold_into(name, chars, heads);
    FoldedName f;
    f.chars.assign(chars, len);
    f.heads.assign(heads, heads + len);
    return f;
}

std::string fold_query(std::string_view query) {
    std::string q;
    for (char c : query) {
        if (upper(c)) q.push_back(static_cast<char>(c - 'A' + 'a'));
        else if (lower(c) || digit(c)) q.push_back(c);
    }
    return q;
}

int compare_folded_prefix(std::string_view name, std::string_view q) {
    size_t k = 0;
    for (char c : name) {
        if (k == q.size()) return 0;
        if (upper(c)) c = static_cast<char>(c - 'A' + 'a');
        else if (!lower(c) && !digit(c)) continue;
        if (c != q[k]) return static_cast<unsigned char>(c) < static_cast<unsigned char>(q[k]) ? -1 : 1;
        ++k;
    }
    return k == q.size() ? 0 : -1;  // a proper prefix of q sorts before it
}

// Per-step score terms of fuzzy_score(): its bound below depends on them.
constexpr int kStartBonus = 10;  // the query's first char is the name's first
constexpr int kHeadScore = 5, kInnerScore = 1, kAdjacentScore = 4, kJumpScore = 1;
static_assert(kJumpScore <= kAdjacentScore && kInnerScore <= kHeadScore, "the bound takes the adjacent head step as the best");

std::optional<int> fuzzy_score(std::string_view q, std::string_view name, int at_least) {
    if (q.empty()) return std::nullopt;
    char n[kMaxMatchedName];
    uint8_t heads[kMaxMatchedName];
    const size_t len = fold_into(name, n, heads);
    const size_t m = q.size();
    if (m > len) return std::nullopt;
    const int segments = static_cast<int>(std::count(heads, heads + len, 1));
    const std::string_view folded(n, len);
    const bool begins = folded.substr(0, m) == q;
    if (!begins) {
        // The most the match below can score: the first char on a head
        // (with the start bonus only where the name's first char is the
        // query's), every later one adjacent and on a head, nothing missed;
        // the bonuses at the end need `begins`.
        const int first = kHeadScore + 1 + (n[0] == q[0] ? kStartBonus : 0);
        const int bound = first + static_cast<int>(m - 1) * (kAdjacentScore + kHeadScore) -
                          static_cast<int>(len - m) - 4 * (segments - 1);
        if (bound < at_least) return std::nullopt;
    }
    std::array<int, kHeadJumps> jumps[kMaxMatchedName];
    next_heads_into(heads, len, jumps);
    // best[i]: the best score with the current query char placed at i.
    constexpr int kNone = -1'000'000;
    int best[kMaxMatchedName], next[kMaxMatchedName];
    for (size_t i = 0; i < len; ++i) {
        best[i] = n[i] == q[0] ? (heads[i] ? kHeadScore + 1 : kInnerScore) + (i == 0 ? kStartBonus : 0) : kNone;
    }
    for (size_t k = 1; k < m; ++k) {
        std::fill(next, next + len, kNone);
        for (size_t p = 0; p < len; ++p) {
            if (best[p] == kNone) continue;
            for (size_t d = 1; d <= static_cast<size_t>(kMaxGap) && p + d < len; ++d) {
                const size_t i = p + d;
                if (n[i] != q[k]) continue;
                const int s = best[p] + (d == 1 ? kAdjacentScore : 1 - static_cast<int>(d)) +
                              (heads[i] ? kHeadScore : kInnerScore);
                next[i] = std::max(next[i], s);
            }
            for (int h : jumps[p]) {
                if (h < 0 || n[static_cast<size_t>(h)] != q[k]) continue;
                next[static_cast<size_t>(h)] = std::max(next[static_cast<size_t>(h)], best[p] + kJumpScore + kHeadScore);
            }
        }
        std::copy(next, next + len, best);
    }
    size_t at = 0;
    for (size_t i = 1; i < len; ++i) {
        if (best[i] > best[at]) at = i;
    }
    if (best[at] == kNone) return std::nullopt;
    // Segments after the last matched char that the query never reached.
    int missed = 0;
    for (size_t i = at + 1; i < len; ++i) missed += heads[i];
    // Names with more segments than the query needs rank lower: each head
    // matched earns a bonus above, so without this a query's letters landing
    // on the heads of a long name (MID_TX_LOCK_MODE for "mtxlck") would beat
    // the name it abbreviates (mutex_lock).
    int score = best[at] - static_cast<int>(len - m) - 6 * missed - 4 * (segments - 1);
    if (folded == q) score += 200;
    else if (begins) score += 100;
    if (name == q) score += 50;  // exact case too (q is folded, so lowercase names)
    return score;
}

namespace {

// The first i in [from, n) with (s[i] | 0x20) == c, or n.
size_t find_folded(const unsigned char* s, size_t from, size_t n, unsigned char c) {
#if defined(__SSE2__)
    const __m128i want = _mm_set1_epi8(static_cast<char>(c)), fold = _mm_set1_epi8(0x20);
    for (; from + 16 <= n; from += 16) {
        const __m128i v = _mm_or_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(s + from)), fold);
        const auto mask = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, want)));
        if (mask != 0) return from + static_cast<size_t>(__builtin_ctz(mask));
    }
#endif
    for (; from < n; ++from) {
        if ((s[from] | 0x20) == c) return from;
    }
    return n;
}

}  // namespace

bool SubsequenceScan::may_match(std::string_view name, size_t shared) {
    // The previous name's matches that lie within the shared bytes stand.
    // Its scan then found the next character only at or past `shared` (or
    // nowhere), so the search for it resumes there.
    while (matched_ > 0 && end_[matched_ - 1] > shared) --matched_;
    const auto* s = reinterpret_cast<const unsigned char*>(name.data());
    size_t at = matched_ > 0 ? end_[matched_ - 1] : 0;
    while (matched_ < q_.size()) {
        const size_t i = find_folded(s, std::max(at, shared), name.size(), static_cast<unsigned char>(q_[matched_]));
        if (i == name.size()) return false;
        at = i + 1;
        end_[matched_++] = at;
    }
    return true;
}

FuzzyMatcher::FuzzyMatcher(std::string_view q) : q_(q) {
    if (q_.size() > 64) return;  // score_long() takes every name
    for (size_t k = 0; k < q_.size(); ++k) {
        const auto c = static_cast<unsigned char>(q_[k]);
        at_[c] |= uint64_t{1} << k;
        if (lower(static_cast<char>(c))) at_[c - 'a' + 'A'] |= uint64_t{1} << k;
    }
}

std::optional<int> FuzzyMatcher::score_long(std::string_view name, int at_least, bool* begins) const {
    // Long names are few, but fuzzy_score()'s DP on one costs a
    // thousand of the others: a name the query is no subsequence of
    // (case folded) neither matches nor begins with it.
    if (!SubsequenceScan(q_).may_match(name, 0)) {
        if (begins) *begins = false;
        return std::nullopt;
    }
    if (begins) *begins = compare_folded_prefix(name, q_) == 0;
    return fuzzy_score(q_, name, at_least);
}

std::optional<int> FuzzyMatcher::score(std::string_view name, int at_least, bool* begins) const {
    const size_t m = q_.size();
    if (m == 0 || m > 64) return score_long(name, at_least, begins);
    // One pass over the name: at[k], the folded positions holding q_[k];
    // heads, the segment heads (fold_into()'s rule).
    uint64_t at[64];
    std::fill(at, at + m, 0);
    uint64_t heads = 0;
    size_t len = 0;
    uint8_t prev = kOther;
    for (char ch : name) {
        const auto c = static_cast<unsigned char>(ch);
        const uint8_t cls = kClass[c];
        if (cls == kOther) {
            prev = kOther;
            continue;
        }
        if (len == 64) return score_long(name, at_least, begins);
        const uint64_t bit = uint64_t{1} << len;
        if (kStartsSegment[prev][cls]) heads |= bit;
        if (cls == kLower && prev == kUpper && len >= 2) heads |= bit >> 1;  // "HTTPCode"
        for (uint64_t ks = at_[c]; ks != 0; ks &= ks - 1) at[__builtin_ctzll(ks)] |= bit;
        ++len;
        prev = cls;
    }
    return score_positions(at, heads, len, name, at_least, begins);
}

std::optional<int> FuzzyMatcher::score_marked(std::string_view marked, std::string_view name, int at_least,
                                              bool* begins) const {
    const size_t m = q_.size(), len = marked.size();
    if (m == 0 || m > 64 || len > 64) return score_long(name, at_least, begins);
    uint64_t at[64];
    uint64_t heads = 0;
    const uint64_t in_name = len == 64 ? ~uint64_t{0} : (uint64_t{1} << len) - 1;
#if defined(__SSE2__)
    __m128i chunk[4];
    const size_t chunks = (len + 15) / 16;
    const __m128i low7 = _mm_set1_epi8(0x7f);
    for (size_t j = 0; j < chunks; ++j) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(marked.data() + 16 * j));
        heads |= static_cast<uint64_t>(static_cast<unsigned>(_mm_movemask_epi8(v))) << (16 * j);
        chunk[j] = _mm_and_si128(v, low7);
    }
    for (size_t k = 0; k < m; ++k) {
        const __m128i want = _mm_set1_epi8(q_[k]);
        uint64_t where = 0;
        for (size_t j = 0; j < chunks; ++j) {
            const auto eq = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(chunk[j], want)));
            where |= static_cast<uint64_t>(eq) << (16 * j);
        }
        at[k] = where & in_name;
        if (at[k] == 0) {  // a character the name lacks: no match, and the query does not begin it
            if (begins) *begins = false;
            return std::nullopt;
        }
    }
#else
    std::fill(at, at + m, 0);
    for (size_t i = 0; i < len; ++i) {
        const auto b = static_cast<unsigned char>(marked[i]);
        if (b & 0x80) heads |= uint64_t{1} << i;
        for (uint64_t ks = at_[b & 0x7f]; ks != 0; ks &= ks - 1) at[__builtin_ctzll(ks)] |= uint64_t{1} << i;
    }
#endif
    return score_positions(at, heads & in_name, len, name, at_least, begins);
}

std::optional<int> FuzzyMatcher::score_positions(const uint64_t* at, uint64_t heads, size_t len, std::string_view name,
                                                 int at_least, bool* begins) const {
    const size_t m = q_.size();
    bool starts = m <= len;
    for (size_t k = 0; starts && k < m; ++k) starts = (at[k] >> k) & 1;
    if (begins) *begins = starts;
    if (m > len) return std::nullopt;
    // A match is a subsequence: the greedy embedding, one word op a
    // character, turns most names away before the DP.
    for (size_t k = 0, from = 0; k < m; ++k) {
        const uint64_t left = from >= 64 ? 0 : at[k] & (~uint64_t{0} << from);
        if (left == 0) return std::nullopt;
        from = static_cast<size_t>(__builtin_ctzll(left)) + 1;
    }
    const int segments = __builtin_popcountll(heads);
    if (!starts) {
        // fuzzy_score()'s bound, from the same terms.
        const int first = kHeadScore + 1 + ((at[0] & 1) ? kStartBonus : 0);
        const int bound = first + static_cast<int>(m - 1) * (kAdjacentScore + kHeadScore) -
                          static_cast<int>(len - m) - 4 * (segments - 1);
        if (bound < at_least) return std::nullopt;
    }
    auto on_head = [heads](size_t i) { return (heads >> i) & 1; };
    // fuzzy_score()'s DP over the positions in `reached` only: best[i] is
    // meaningful where bit i of `reached` is set.
    int best[64], next[64];
    uint64_t reached = at[0];
    for (uint64_t b = reached; b != 0; b &= b - 1) {
        const auto i = static_cast<size_t>(__builtin_ctzll(b));
        best[i] = (on_head(i) ? kHeadScore + 1 : kInnerScore) + (i == 0 ? kStartBonus : 0);
    }
    if (reached == 0) return std::nullopt;
    for (size_t k = 1; k < m; ++k) {
        uint64_t now = 0;
        auto offer = [&](size_t i, int s) {
            const uint64_t bit = uint64_t{1} << i;
            if (!(now & bit)) {
                now |= bit;
                next[i] = s;
            } else {
                next[i] = std::max(next[i], s);
            }
        };
        for (uint64_t b = reached; b != 0; b &= b - 1) {
            const auto p = static_cast<size_t>(__builtin_ctzll(b));
            if (p == 63) continue;  // nothing follows the last position
            // Within kMaxGap positions after p.
            constexpr uint64_t kWindow = (uint64_t{1} << kMaxGap) - 1;
            for (uint64_t w = (at[k] >> (p + 1)) & kWindow; w != 0; w &= w - 1) {
                const auto d = static_cast<size_t>(__builtin_ctzll(w)) + 1;
                const size_t i = p + d;
                offer(i, best[p] + (d == 1 ? kAdjacentScore : 1 - static_cast<int>(d)) +
                             (on_head(i) ? kHeadScore : kInnerScore));
            }
            // On one of the next kHeadJumps heads after p.
            uint64_t ahead = heads & (~uint64_t{0} << (p + 1));
            for (int h = 0; h < kHeadJumps && ahead != 0; ++h, ahead &= ahead - 1) {
                const auto i = static_cast<size_t>(__builtin_ctzll(ahead));
                if ((at[k] >> i) & 1) offer(i, best[p] + kJumpScore + kHeadScore);
            }
        }
        if (now == 0) return std::nullopt;
        reached = now;
        for (uint64_t b = reached; b != 0; b &= b - 1) {
            const auto i = static_cast<size_t>(__builtin_ctzll(b));
            best[i] = next[i];
        }
    }
    // The first position of the best score, as fuzzy_score() picks it.
    size_t end = 64;
    for (uint64_t b = reached; b != 0; b &= b - 1) {
        const auto i = static_cast<size_t>(__builtin_ctzll(b));
        if (end == 64 || best[i] > best[end]) end = i;
    }
    const int missed = end == 63 ? 0 : __builtin_popcountll(heads >> (end + 1));
    int score = best[end] - static_cast<int>(len - m) - 6 * missed - 4 * (segments - 1);
    if (starts && len == m) score += 200;
    else if (starts) score += 100;
    if (name == q_) score += 50;
    return score;
}

void append_marked_fold(std::string_view name, std::string& out) {
    char chars[kMaxMatchedName];
    uint8_t heads[kMaxMatchedName];
    const size_t len = fold_into(name, chars, heads);
    for (size_t i = 0; i < len; ++i) out.push_back(static_cast<char>(chars[i] | (heads[i] ? 0x80 : 0)));
}

void name_pairs(const FoldedName& f, std::vector<uint16_t>& out) {
    const std::string& n = f.chars;
    std::vector<std::array<int, kHeadJumps>> heads(n.size());
    next_heads_into(f.heads.data(), n.size(), heads.data());
    for (size_t i = 0; i < n.size(); ++i) {
        const int a = code(n[i]) * 36;
        for (size_t j = i + 1; j < n.size() && j - i <= static_cast<size_t>(kMaxGap); ++j) {
            out.push_back(static_cast<uint16_t>(a + code(n[j])));
        }
        for (int h : heads[i]) {
            if (h >= 0) out.push_back(static_cast<uint16_t>(a + code(n[static_cast<size_t>(h)])));
        }
    }
}

std::vector<uint16_t> query_pairs(std::string_view q) {
    std::vector<uint16_t> out;
    for (size_t i = 1; i < q.size(); ++i) out.push_back(static_cast<uint16_t>(code(q[i - 1]) * 36 + code(q[i])));
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

}  // namespace idx::indexer
