// TrigramQuery: a boolean query over trigrams, what the planner produces and
// the index answers. Pure data: no index, no regex engine.
#pragma once

#include <string>
#include <vector>

#include "indexer/trigram.h"

namespace idx::search {

struct TrigramQuery {
    enum class Op { kAll, kNone, kAnd, kOr };
    Op op = Op::kAll;
    std::vector<indexer::Trigram> trigrams;  // for kAnd / kOr: leaves
    std::vector<TrigramQuery> subs;          // for kAnd / kOr: sub-queries

    static TrigramQuery all() { return {}; }
    static TrigramQuery none() { return {Op::kNone, {}, {}}; }

    TrigramQuery and_(TrigramQuery other) const;
    TrigramQuery or_(TrigramQuery other) const;

    // Evaluates against the set of a file's trigrams (sorted, unique).
    bool matches(const std::vector<indexer::Trigram>& sorted_trigrams) const;
    // e.g. "(and \"abc\" (or \"xyz\" \"xyw\"))"; "+" for all, "-" for none.
    std::string to_string() const;
};

}  // namespace idx::search
