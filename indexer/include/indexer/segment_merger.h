// compact_segments(): merges all posting segments into one when there are
// too many or too much of them is stale, so that a trigram lookup stays one
// short range scan. Runs inside the caller's transaction.
#pragma once

#include "common/expected.h"
#include "indexer/sqlite.h"

namespace idx::indexer {

struct CompactionPolicy {
    int max_segments = 8;        // merge when there are more
    double max_stale = 0.30;     // or when this share of written postings is stale
};

// Returns whether a merge happened.
Expected<bool> compact_segments(Db& db, CompactionPolicy policy = {});

}  // namespace idx::indexer
