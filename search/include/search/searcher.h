// search(): walks the tree and reports the matching lines of every file.
//
// This is the scanning path (no index yet). Results are pushed into a
// SearchSink from worker threads, one call per file with at least one
// selected line; the sink must synchronise itself.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/expected.h"
#include "indexer/walk_options.h"
#include "search/search_request.h"

namespace idx::search {

struct MatchedLine {
    uint64_t number = 0;  // 1-based
    std::string text;     // without the line terminator
    bool is_match = true; // false: a context line (-A/-B/-C)
    bool counted = true;  // false for a match shown only as context past -m
    uint64_t offset = 0;  // absolute byte offset of the line's start
    // Byte ranges of each match within `text`, when the request asks for
    // them (-o, --column, --count-matches).
    std::vector<std::pair<uint32_t, uint32_t>> spans;
};

struct FileMatches {
    std::string path;
    std::vector<MatchedLine> lines;
    uint64_t bytes_searched = 0;
    bool last_line_terminated = true;  // false: the file's last line has no '\n'
    uint64_t last_line_offset = 0;     // where that last line starts
    // Set when the file held a NUL byte and ripgrep's binary rules cut the
    // search short: the absolute offset of that NUL.
    std::optional<uint64_t> binary_offset;
    // A file named on the command line whose binary part also matched
    // (ripgrep prints "binary file matches" for it).
    bool binary_match = false;
    // Lines matching past the cutoff in such a file: its count printer
    // (-c) counts them, with NUL bytes read as line breaks.
    uint64_t binary_rest_lines = 0;
};

class SearchSink {
public:
    virtual ~SearchSink() = default;
    virtual void on_file(FileMatches&& matches) = 0;
    virtual void on_error(const Error& error, bool fatal) = 0;
    // A searched file without a selected line (only with
    // request.report_files_without_match).
    virtual void on_file_without_match(const std::string& /*path*/) {}
};

struct SearchStats {
    bool used_index = false;
    uint64_t bytes_searched = 0;
    uint64_t files_searched = 0;
    uint64_t files_matched = 0;
    uint64_t lines_matched = 0;
    uint64_t binary_files = 0;  // searched only up to ripgrep's binary cut-off
    uint64_t errors = 0;
};

// Uses the index covering the current directory, if any (unless
// request.no_index): files the index rules out are not read. The walk finds
// what changed since the index, unless a running `idx watch` vouches that
// nothing did (see watched_files.h).
Expected<SearchStats> search(const SearchRequest& request, const indexer::WalkOptions& walk, SearchSink& sink);

// What search() would do with the index: the plan, how many indexed files
// it admits, and how it learns what changed since (a walk, or a running
// `idx watch`). Fails when there is no index.
struct SearchExplanation {
    std::string db_path, plan;
    uint64_t indexed = 0, candidates = 0;
    std::string freshness;
};
Expected<SearchExplanation> explain(const SearchRequest& request, const indexer::WalkOptions& walk);

}  // namespace idx::search
