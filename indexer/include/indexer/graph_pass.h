// run_graph_pass(): the file graph behind `idx map` and the file ranks that
// order `idx sym` and the agent's results.
//
// A file A has an edge to file B when A uses an identifier that B's tags
// define. Uses are found lexically (identifier_scan.h), because most
// grammars' tags.scm (C's among them) have no references. Each used name
// adds its weight to A->B, shared among the defining files nearest to A;
// names defined in more than kMaxDefiners files (init, probe, ...) say
// nothing about structure and add no edge.
//
// Tables: file_refs(src, data: varint count, then dst-delta and weight*1024
// pairs), one row per processed file (so an interrupted pass resumes);
// file_rank(file, rank): PageRank, recomputed when more than 1% of files
// changed since the last ranking (a small edit barely moves it).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/expected.h"
#include "indexer/page_rank.h"
#include "indexer/sqlite.h"

namespace idx::indexer {

constexpr size_t kMaxDefiners = 10;

struct GraphPassOptions {
    std::string root;
    const std::atomic<bool>* cancel = nullptr;
    // From this many files to process on, def_names is loaded whole into a
    // table every thread reads; below, each used name is looked up in the
    // index. The two give the same edges (tested).
    size_t bulk_from = 2000;
};

struct GraphPassStats {
    uint64_t files = 0, edges = 0;
    bool ranked = false, cancelled = false;
};

Expected<GraphPassStats> run_graph_pass(Db& db, const GraphPassOptions& options);

// The whole graph as stored: node i is files.id ids[i]; edges to files no
// longer indexed are dropped.
struct FileGraph {
    std::vector<int64_t> ids;
    std::vector<Edge> edges;
};
Expected<FileGraph> load_file_graph(Db& db);

// Encodes / decodes one file_refs row.
std::string encode_file_refs(const std::vector<std::pair<int64_t, float>>& sorted_edges);
bool decode_file_refs(std::string_view blob, std::vector<std::pair<int64_t, float>>& out);

}  // namespace idx::indexer
