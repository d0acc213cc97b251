// Where the index of a tree lives: `<root>/.idx/index.db` by default,
// `$IDX_DB` when set. Commands run in a subdirectory find it by walking up,
// as git finds `.git`.
#pragma once

#include <optional>
#include <string>

namespace idx::indexer {

struct IndexLocation {
    std::string root;     // the indexed tree (absolute)
    std::string db_path;  // the index file
    // Only with RootLookup::kByCaller: $IDX_DB named the index, whose meta
    // root the caller reads when it opens it (`root` is then the fallback).
    bool root_in_meta = false;
};

enum class RootLookup {
    kOpenIndex,  // with $IDX_DB, open the index to read its root
    kByCaller,   // leave that to the caller, which opens the index anyway
};

// The default location for indexing `root` (absolute), honouring $IDX_DB.
IndexLocation location_for_root(const std::string& root);

// The index covering `dir` (absolute): $IDX_DB, else the nearest
// `.idx/index.db` at or above `dir`. nullopt when there is none. With
// $IDX_DB, the root is the tree that index was built from (its meta root).
std::optional<IndexLocation> find_index(const std::string& dir, RootLookup lookup = RootLookup::kOpenIndex);

}  // namespace idx::indexer
