#include "indexer/symbol_match.h"

#include <algorithm>

namespace idx::indexer {
namespace {

int code(char c) { return c >= 'a' ? c - 'a' : 26 + (c - '0'); }
bool lower(char c) { return c >= 'a' && c <= 'z'; }
bool upper(char c) { return c >= 'A' && c <= 'Z'; }
bool digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

FoldedName fold_name(std::string_view name) {
    FoldedName f;
    bool boundary = true;  // the next kept char starts a segment
    char prev = 0;
    for (char c : name) {
        if (f.chars.size() == kMaxMatchedName) break;
        if (!lower(c) && !upper(c) && !digit(c)) {
            boundary = true;
            prev = 0;
            continue;
        }
        bool head = boundary || (upper(c) && !upper(prev)) || (digit(c) != digit(prev) && prev != 0);
        // "HTTPCode": the C of Code starts a segment (an upper followed by a lower after uppers).
        f.chars.push_back(upper(c) ? static_cast<char>(c - 'A' + 'a') : c);
        f.heads.push_back(head ? 1 : 0);
        if (lower(c) && upper(prev) && f.chars.size() >= 2) {
            const size_t i = f.chars.size() - 2;
            if (i > 0 && !f.heads[i] && f.chars.size() >= 3) f.heads[i] = 1;
        }
        boundary = false;
        prev = c;
    }
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

std::optional<int> fuzzy_score(std::string_view q, std::string_view name) {
    if (q.empty()) return std::nullopt;
    const FoldedName f = fold_name(name);
    const std::string& n = f.chars;
    const size_t m = q.size(), len = n.size();
    if (m > len) return std::nullopt;
    // best[i]: the best score with the current query char placed at i.
    constexpr int kNone = -1'000'000;
    std::vector<int> best(len, kNone), next(len, kNone);
    for (size_t i = 0; i < len; ++i) {
        if (n[i] == q[0]) best[i] = (f.heads[i] ? 6 : 1) + (i == 0 ? 10 : 0);
    }
    for (size_t k = 1; k < m; ++k) {
        std::fill(next.begin(), next.end(), kNone);
        int best_before = kNone;  // max over all earlier positions (for head jumps)
        for (size_t i = 0; i < len; ++i) {
            if (n[i] == q[k]) {
                int s = kNone;
                for (size_t d = 1; d <= static_cast<size_t>(kMaxGap) && d <= i; ++d) {
                    if (best[i - d] == kNone) continue;
                    s = std::max(s, best[i - d] + (d == 1 ? 4 : 1 - static_cast<int>(d)));
                }
                if (f.heads[i] && best_before != kNone) s = std::max(s, best_before + 1);
                if (s != kNone) next[i] = s + (f.heads[i] ? 5 : 1);
            }
            best_before = std::max(best_before, best[i]);
        }
        best.swap(next);
    }
    const int top = *std::max_element(best.begin(), best.end());
    if (top == kNone) return std::nullopt;
    int score = top - static_cast<int>(len - m);  // shorter names first
    if (n == q) score += 200;
    else if (n.compare(0, m, q) == 0) score += 100;
    if (name == q) score += 50;  // exact case too (q is folded, so lowercase names)
    return score;
}

void name_pairs(const FoldedName& f, std::vector<uint16_t>& out) {
    const std::string& n = f.chars;
    for (size_t i = 0; i < n.size(); ++i) {
        const int a = code(n[i]) * 36;
        for (size_t j = i + 1; j < n.size(); ++j) {
            if (j - i <= static_cast<size_t>(kMaxGap) || f.heads[j]) out.push_back(static_cast<uint16_t>(a + code(n[j])));
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
