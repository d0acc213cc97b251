// The on-disk form of a file's tags: one zstd-compressed blob per file.
//
// Storing 3 million kernel definitions as SQLite rows (text columns and two
// indexes) took ~900 MB; one blob per file, plus a (name hash, file) table
// to find the files that define or use a name, takes a fraction of that.
// Record layout before compression (all integers are LEB128 varints):
//   count, then per tag: flags (bit 0: definition), name, kind, scope,
//   signature (each: length + bytes), line, col, line - start_line,
//   start_col, end_line - line, end_col.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/expected.h"
#include "indexer/tagger.h"

namespace idx::indexer {

std::string encode_tags(const std::vector<Tag>& tags);
Expected<std::vector<Tag>> decode_tags(std::string_view blob);

// The key of a name in the def_names / ref_names tables.
int64_t name_hash(std::string_view name);

}  // namespace idx::indexer
