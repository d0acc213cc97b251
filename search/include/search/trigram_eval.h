// Evaluating a trigram query against an index.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "common/expected.h"
#include "indexer/index_reader.h"
#include "search/trigram_query.h"

namespace idx::search {

// An AND stops narrowing once this many files or fewer are left: reading
// them costs less than loading more lists.
constexpr uint64_t kFewFiles = 16;

// The files `q` admits; nullopt stands for "every file". May hold ids of
// files changed or deleted since indexing. An AND applies every conjunct
// unless it leaves kFewFiles files or fewer: a result larger than that was
// narrowed by each of its trigrams and sub-queries (a sub-query that holds
// an AND may itself admit more than its matches).
Expected<std::optional<indexer::Bitmap>> evaluate(indexer::IndexReader& reader, const TrigramQuery& q);

// The query every file containing `literal` (byte for byte, or differing in
// ASCII case) satisfies: the AND of its trigrams.
TrigramQuery literal_query(std::string_view literal);

}  // namespace idx::search
