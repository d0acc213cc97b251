// `idx files [PATH...]`: the files idx would search, like `rg --files`.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "walk_flags.h"

namespace idx::cli {

class FilesCommand {
public:
    // Declares the subcommand; its options only when `with_options`.
    FilesCommand(CLI::App& parent, bool with_options);
    bool selected() const { return cmd_->parsed(); }
    // Returns the process exit code (0 some files, 1 none, 2 errors).
    int run();

private:
    CLI::App* cmd_;
    WalkFlags walk_;
    std::vector<std::string> paths_;
    std::string sort_;
    bool null_ = false;
    bool type_list_ = false;
};

}  // namespace idx::cli
