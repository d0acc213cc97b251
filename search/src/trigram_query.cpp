#include "search/trigram_query.h"

#include <algorithm>

namespace idx::search {
namespace {

using Op = TrigramQuery::Op;

void sort_unique(std::vector<indexer::Trigram>& v) {
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
}

// Merges `q` into `into` when both have the same op (flattening).
TrigramQuery combine(Op op, TrigramQuery a, TrigramQuery b) {
    const Op absorbing = op == Op::kAnd ? Op::kNone : Op::kAll;
    const Op identity = op == Op::kAnd ? Op::kAll : Op::kNone;
    if (a.op == absorbing || b.op == absorbing) return {absorbing, {}, {}};
    if (a.op == identity) return b;
    if (b.op == identity) return a;
    TrigramQuery out{op, {}, {}};
    for (TrigramQuery* q : {&a, &b}) {
        if (q->op == op) {
            out.trigrams.insert(out.trigrams.end(), q->trigrams.begin(), q->trigrams.end());
            for (auto& s : q->subs) out.subs.push_back(std::move(s));
        } else if (q->subs.empty() && q->trigrams.size() == 1) {
            out.trigrams.push_back(q->trigrams[0]);  // a one-trigram query is its trigram
        } else {
            out.subs.push_back(std::move(*q));
        }
    }
    sort_unique(out.trigrams);
    return out;
}

}  // namespace

TrigramQuery TrigramQuery::and_(TrigramQuery other) const { return combine(Op::kAnd, *this, std::move(other)); }
TrigramQuery TrigramQuery::or_(TrigramQuery other) const { return combine(Op::kOr, *this, std::move(other)); }

bool TrigramQuery::matches(const std::vector<indexer::Trigram>& set) const {
    auto has = [&](indexer::Trigram t) { return std::binary_search(set.begin(), set.end(), t); };
    switch (op) {
        case Op::kAll: return true;
        case Op::kNone: return false;
        case Op::kAnd:
            for (auto t : trigrams) {
                if (!has(t)) return false;
            }
            for (const auto& s : subs) {
                if (!s.matches(set)) return false;
            }
            return true;
        case Op::kOr:
            for (auto t : trigrams) {
                if (has(t)) return true;
            }
            for (const auto& s : subs) {
                if (s.matches(set)) return true;
            }
            return false;
    }
    return true;
}

std::string TrigramQuery::to_string() const {
    if (op == Op::kAll) return "+";
    if (op == Op::kNone) return "-";
    std::string s = op == Op::kAnd ? "(and" : "(or";
    for (auto t : trigrams) {
        s += " \"";
        for (int shift : {16, 8, 0}) {
            const auto c = static_cast<unsigned char>((t >> shift) & 0xff);
            if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
                s += static_cast<char>(c);
            } else {
                const char* hex = "0123456789abcdef";
                s += "\\x";
                s += hex[c >> 4];
                s += hex[c & 15];
            }
        }
        s += '"';
    }
    for (const auto& sub : subs) s.append(" ").append(sub.to_string());
    return s + ")";
}

}  // namespace idx::search
