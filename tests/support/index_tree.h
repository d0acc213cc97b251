// Test support: index a scratch tree in-process, as `idx index` would, into
// its .idx/index.db.
#pragma once

#include <doctest/doctest.h>
#include <sys/stat.h>

#include "indexer/index_builder.h"
#include "tests/support/temp_tree.h"

namespace idx::test {

// The database's path is t.path(".idx/index.db"); the build must succeed.
inline indexer::IndexStats index_tree(const TempTree& t) {
    indexer::IndexOptions o;
    o.root = t.root();
    o.db_path = t.path(".idx/index.db");
    ::mkdir(t.path(".idx").c_str(), 0755);
    auto built = indexer::build_index(o, nullptr);
    REQUIRE_MESSAGE(built.ok(), (built.ok() ? "" : built.error().message));
    return *built;
}

}  // namespace idx::test
