// PostingBuilder: accumulates trigram -> file-id posting lists in memory for
// one segment and writes them to the index as CRoaring bitmaps.
//
// While building, each list is a byte vector of varint-coded id deltas
// (about 1.2 bytes per entry, and an append costs a few instructions): the
// writer stage that calls add() is serial, so it must stay cheap. flush()
// turns the lists into bitmaps in parallel.
//
// File ids must be added in increasing order. Not thread-safe.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <vector>

#include "common/expected.h"
#include "indexer/sqlite.h"
#include "indexer/trigram.h"

namespace idx::indexer {

// Postings rows are keyed by segment and gram packed into the rowid:
// key = segment << kGramBits | gram. A segment's rows are one run of the
// table, so an update appends its new segment at the table's end (a run
// keyed gram first wrote one row into each of ~7,800 places for a one-file
// edit of the kernel, dirtying ~13,000 pages), and merging or dropping a
// segment reads or deletes runs. Readers look a gram up once per segment;
// compaction keeps segments few. Segment ids only grow, by one per
// indexing run (a million runs; then `idx index --rebuild`).
constexpr int kGramBits = 25;
static_assert(kGramSpace <= (Trigram{1} << kGramBits));
constexpr int kSegmentBits = 20;
constexpr int64_t kMaxSegmentId = (int64_t{1} << kSegmentBits) - 1;
constexpr int64_t posting_key(Trigram t, int64_t segment) {
    // +, not |: a bound one past the last gram (t == 2^kGramBits) must
    // carry into the next segment, as range ends do.
    return (segment << kGramBits) + static_cast<int64_t>(t);
}
constexpr Trigram posting_gram(int64_t key) { return static_cast<Trigram>(key & ((int64_t{1} << kGramBits) - 1)); }

class PostingBuilder {
public:
    PostingBuilder();

    void add(uint32_t file_id, const std::vector<Trigram>& trigrams);
    uint64_t pairs() const { return pairs_; }
    uint64_t memory_bytes() const { return bytes_; }
    bool empty() const { return pairs_ == 0; }

    // Writes every list as a row of `postings` and clears the builder. Runs
    // inside the caller's transaction.
    Expected<void> flush(Db& db, int64_t segment);

private:
    struct List {
        std::vector<uint8_t> deltas;
        uint32_t last = 0;
    };
    // gram -> 1 + index into lists_, 0 if none. 68 MB of zeroes from calloc:
    // the kernel maps zero pages lazily, so an update of a few files touches
    // (and pays for) only the pages of the grams it adds, where filling a
    // vector cost every run 68 MB of writes.
    struct Free {
        void operator()(int32_t* p) const { std::free(p); }
    };
    std::unique_ptr<int32_t[], Free> slot_;
    std::vector<List> lists_;
    std::vector<Trigram> used_;  // trigrams with a slot
    uint64_t pairs_ = 0, bytes_ = 0;
};

}  // namespace idx::indexer
