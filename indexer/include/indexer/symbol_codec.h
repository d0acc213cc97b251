// The on-disk form of a file's tags: one zstd-compressed blob per file.
//
// Storing 3 million kernel definitions as SQLite rows (text columns and two
// indexes) took ~900 MB; one blob per file, plus a (name hash, file) table
// to find the files that define or use a name, takes a fraction of that.
// Record layout before compression (all integers are LEB128 varints):
//   count, then per tag: flags (bit 0: definition), name, kind, scope,
//   signature (each: length + bytes), line, col, line - start_line,
//   start_col, end_line - line, end_col.
// A file with more than kTagsPerPart tags (generated headers hold tens of
// thousands) is split into parts, each its own frame: the blob is then the
// byte kPartedTags, varint part count, per part its frame's size, its tag
// count and per tag a 2-byte hash of the name, then the frames. A lookup by
// name decompresses only the parts whose hashes hold the name's.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/expected.h"
#include "indexer/tagger.h"

namespace idx::indexer {

constexpr size_t kTagsPerPart = 128;
constexpr char kPartedTags = 'P';  // a zstd frame starts with 0x28

std::string encode_tags(const std::vector<Tag>& tags);
Expected<std::vector<Tag>> decode_tags(std::string_view blob);
// The tags named `name` (definitions and references), in blob order.
Expected<std::vector<Tag>> decode_tags_named(std::string_view blob, std::string_view name);

// The key of a name in the def_names / ref_names tables: 32 bits of its
// xxh3, so different names may share one (readers compare the names).
int64_t name_hash(std::string_view name);

}  // namespace idx::indexer
