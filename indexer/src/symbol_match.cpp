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
