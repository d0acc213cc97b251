// TagStore: writes and removes one file's tags in the index (the `tags`
// blob, its def_names / ref_names pairs and its file_refs row). Statements are prepared once;
// use from the single writer thread, inside its transaction, and call
// flush() before that transaction commits: name pairs are queued
// (indexer/name_buckets.h).
#pragma once

#include <cstdint>
#include <vector>

#include "common/expected.h"
#include "indexer/name_buckets.h"
#include "indexer/sqlite.h"
#include "indexer/tagger.h"

namespace idx::indexer {

class TagStore {
public:
    static Expected<TagStore> prepare(Db& db);

    // Replaces the tags of `file` (removing any earlier ones first).
    Expected<void> write(int64_t file, const std::vector<Tag>& tags);
    // Removes the tags of `file`, if any.
    Expected<void> remove(int64_t file);
    // Writes the queued name pairs; before the transaction commits.
    Expected<void> flush();
    // Forgets the queued name pairs (after a rollback).
    void discard();

private:
    Stmt get_, put_, del_, del_graph_;
    NameBucketWriter defs_, refs_;
};

}  // namespace idx::indexer
