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
    // $IDX_DB named the index: the tree it was built from is its meta root,
    // which locate_index() leaves to the caller (`root` is then the fallback).
    bool root_in_meta = false;
};

// The default location for indexing `root` (absolute), honouring $IDX_DB.
IndexLocation location_for_root(const std::string& root);

// The index covering `dir` (absolute): $IDX_DB, else the nearest
// `.idx/index.db` at or above `dir`. nullopt when there is none. Opens
// nothing: with $IDX_DB, root_in_meta says the root is to be read from the
// index (the static `idx` client finds the lookup socket this way).
std::optional<IndexLocation> locate_index(const std::string& dir);

// locate_index(), then with $IDX_DB the root read from the index's meta,
// so that every command maps paths the same way wherever it runs (the
// fallback stays when the file is missing or not a readable idx index; its
// users report that). Defined in index_schema.cpp, which reads the meta.
std::optional<IndexLocation> find_index(const std::string& dir);

}  // namespace idx::indexer
