// Structural search (`idx query`): a tree-sitter query run over the files of
// one language, printing captures, in the manner of ast-grep.
//
// Narrowing: a pattern whose required captures (quantifier one or one-or-
// more) must equal a literal (#eq?, #any-of?) can only match in a file that
// holds that literal's text, so the pattern needs the literal's trigrams
// (any-of: one of them). Patterns are alternatives: the plan is the OR over
// patterns, and a pattern without such a literal admits every file. A
// literal's trigrams are in every file holding it, so no match is dropped.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/expected.h"
#include "indexer/file_types.h"
#include "indexer/tags_query.h"
#include "indexer/walk_options.h"
#include "search/trigram_query.h"

namespace idx::search {

struct CaptureHit {
    std::string path;  // as given to run()
    uint32_t line = 0, col = 0, end_line = 0, end_col = 0;  // 1-based; col in bytes
    std::string capture;  // the capture's name, without '@'
    std::string text;     // the node's text (whole; printers may cut it)
};

struct StructuralStats {
    uint64_t files = 0, parsed = 0, matches = 0, parse_failures = 0;
    bool cancelled = false;  // stopped by the cancel flag before the last file
};

class StructuralQuery {
public:
    // A syntax error names its row and column (kInvalidArgument).
    static Expected<StructuralQuery> compile(const std::string& source, indexer::Lang lang);

    // The trigram plan that every file with a match satisfies.
    TrigramQuery plan() const;
    // The same rule on a file's bytes: false when `text` lacks a literal
    // that every match of each pattern needs (a required capture's #eq? or
    // #any-of? values), so no match is possible. A node's text is part of
    // the file's, so this never rules out a file with a match.
    bool may_match(std::string_view text) const;

    // Runs over `files` (path for output, full path to read) in parallel;
    // hits reach `sink` per file, in path order of `files`, each file's hits
    // in source order. Unreadable files are skipped (they were counted by
    // the caller's walk). Stops early when `sink` returns false. With
    // `check_literals`, a file that fails may_match() is not parsed.
    struct File {
        std::string path, full_path;
    };
    Expected<StructuralStats> run(const std::vector<File>& files,
                                  const std::function<bool(const std::vector<CaptureHit>&)>& sink,
                                  const std::atomic<bool>* cancel = nullptr, bool check_literals = false) const;

    indexer::Lang lang() const { return lang_; }

private:
    indexer::Lang lang_ = indexer::Lang::kUnknown;
    std::shared_ptr<const indexer::TagsQuery> query_;
    // Per pattern, sets of literals of which each match holds one per set
    // (compile()); plan() and may_match() read them.
    std::vector<std::vector<std::vector<std::string>>> required_;
};

// Walks `walk` (as `idx files` would), keeps the files of the query's
// language, lets the index rule out those that cannot match (unless
// `no_index`; files changed since indexing are always read), and runs the
// query over the rest in path order. `walk.cancel` also stops the parsing.
Expected<StructuralStats> structural_search(const StructuralQuery& query, const indexer::WalkOptions& walk,
                                            bool no_index,
                                            const std::function<bool(const std::vector<CaptureHit>&)>& sink);

}  // namespace idx::search
