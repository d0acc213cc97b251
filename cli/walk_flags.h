// The file-selection flags shared by every command that walks a tree
// (files, search, index), spelled and interpreted as ripgrep does.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "common/expected.h"
#include "indexer/walk_options.h"

namespace idx::cli {

class WalkFlags {
public:
    void add_to(CLI::App& app);
    // Converts the parsed flags; fails on a malformed --max-filesize.
    Expected<indexer::WalkOptions> to_options() const;

private:
    std::vector<std::string> globs_, iglobs_, types_, types_not_;
    int unrestricted_ = 0;
    bool hidden_ = false, follow_ = false, no_ignore_ = false, no_ignore_vcs_ = false, no_ignore_dot_ = false;
    bool no_ignore_parent_ = false, no_ignore_global_ = false, no_ignore_exclude_ = false, no_require_git_ = false;
    bool glob_case_insensitive_ = false;
    std::string max_filesize_;
    int max_depth_ = -1;
    unsigned threads_ = 0;
};

// "10", "10K", "2M", "1G" (powers of 1024), as ripgrep's --max-filesize.
Expected<uint64_t> parse_size(const std::string& text);

}  // namespace idx::cli
