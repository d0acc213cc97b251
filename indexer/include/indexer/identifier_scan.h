// The identifiers a source file uses, found lexically for the file graph
// (graph_pass.h): every identifier token of 3+ bytes outside comments and
// string literals, with a weight saying how much a use of it tells about
// structure. As aider weighs names: a compound name (with '_', inner capitals
// or digits, or 8+ bytes long) weighs 1; a plain short word ("add", "err",
// "list"), which may be a common word or a local, weighs 0.1.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "indexer/file_types.h"

namespace idx::indexer {

struct UsedName {
    int64_t hash;  // name_hash() of the identifier
    float weight;
};

// Distinct identifiers, sorted by hash (two names with one hash are one
// entry, with the larger weight). Comments and strings are skipped as
// `lang` writes them: // and /* */ and quotes for the C family, JavaScript,
// Rust, Go, Java, C# and PHP; # and quotes for Python, Ruby, Bash (and PHP).
std::vector<UsedName> used_identifiers(std::string_view text, Lang lang);

}  // namespace idx::indexer
