// TagStore: writes and removes one file's tags in the index (the `tags`
// blob, its def_names / ref_names rows and its file_refs row). Statements are prepared once;
// use from the single writer thread, inside its transaction.
#pragma once

#include <cstdint>
#include <vector>

#include "common/expected.h"
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

private:
    Stmt get_, put_, del_, put_def_, put_ref_, del_def_, del_ref_, del_graph_;
};

}  // namespace idx::indexer
