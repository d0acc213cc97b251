// `idx search [OPTIONS] PATTERN [PATH...]`: ripgrep's flags, output and exit codes.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "search/search_request.h"
#include "walk_flags.h"

namespace idx::cli {

class SearchCommand {
public:
    // Declares the subcommand; its options only when `with_options`.
    SearchCommand(CLI::App& parent, bool with_options);
    bool selected() const { return cmd_->parsed(); }
    int run();  // 0 match, 1 none, 2 error

private:
    CLI::App* cmd_;
    WalkFlags walk_;
    std::vector<std::string> positional_, regexps_;
    std::string pattern_file_, sort_, color_ = "auto";
    bool ignore_case_ = false, smart_case_ = false, case_sensitive_ = false, fixed_ = false, word_ = false;
    bool line_ = false, invert_ = false, pcre2_ = false, no_index_ = false, no_watch_ = false, explain_ = false, line_number_ = false, no_line_number_ = false;
    bool heading_ = false, no_heading_ = false, files_with_matches_ = false, count_ = false, quiet_ = false;
    bool files_without_match_ = false, count_matches_ = false, only_matching_ = false, column_ = false, json_ = false;
    int after_ = -1, before_ = -1, context_ = -1;
    uint64_t max_count_ = 0;
};

}  // namespace idx::cli
