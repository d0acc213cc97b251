// `idx query '<tree-sitter query>' --lang L [PATH...]`: structural search
// (search/structural_query.h). Prints `path:line:col: @capture text` (the
// text's first line, at most 200 bytes) or, with --json, one object per
// capture. Exit codes: 0 found, 1 none, 2 error (a query syntax error names
// its row and column).
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "walk_flags.h"

namespace idx::cli {

class QueryCommand {
public:
    QueryCommand(CLI::App& parent, bool with_options);
    bool selected() const { return cmd_->parsed(); }
    int run();

private:
    CLI::App* cmd_;
    WalkFlags walk_;
    std::string query_, lang_;
    std::vector<std::string> paths_;
    bool json_ = false, no_index_ = false;
    size_t max_count_ = 0;
};

}  // namespace idx::cli
