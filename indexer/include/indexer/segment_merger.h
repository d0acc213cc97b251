// compact_segments(): merges posting segments when there are too many, so
// that a trigram lookup stays one short range scan: all but the largest
// when only their count is over, all of them when too much is stale. Runs
// inside the caller's transaction.
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
