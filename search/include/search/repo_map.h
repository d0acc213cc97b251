// The repo map (`idx map`): the files that matter most, each with the
// signature lines of its top definitions, fitted to a token budget, as
// aider builds one for an LLM.
//
// Files are ranked by PageRank over the file graph (indexer/graph_pass.h):
// the stored ranks when there is no focus, else a personalised PageRank
// whose restart vector puts all weight on the focus files (a path, a folder,
// or the files defining a focus symbol). A file's definitions are ordered by
// kind (types and functions first) then line; entry j of a file with rank r
// scores r / (j + 1). The map shows the best k entries, grouped by file in
// rank order, and binary search picks the largest k whose text fits the
// budget. Tokens are estimated as bytes / 4 (GPT and Claude tokenizers give
// 3.5 to 4.5 bytes per token on code). Same index, same output: ties break
// on path and line.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/expected.h"
#include "indexer/index_reader.h"

namespace idx::search {

struct MapRequest {
    size_t tokens = 1024;
    std::vector<std::string> focus;  // root-relative paths or folders, or symbol names
    size_t max_files = 400;          // files considered before fitting
};

struct RepoMap {
    std::string text;
    size_t tokens = 0, files = 0, entries = 0;
};

Expected<RepoMap> build_repo_map(indexer::IndexReader& reader, const MapRequest& request);

size_t estimate_tokens(std::string_view text);

}  // namespace idx::search
