// `idx index [PATH] [--db FILE] [--rebuild] [--json]`: build or update the index.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "walk_flags.h"

namespace idx::cli {

class IndexCommand {
public:
    IndexCommand(CLI::App& parent, bool with_options);
    bool selected() const { return cmd_->parsed(); }
    int run();  // 0 done, 2 error, 130 interrupted

private:
    CLI::App* cmd_;
    WalkFlags walk_;
    std::string path_ = ".", db_, out_;
    bool rebuild_ = false, json_ = false, no_symbols_ = false;
};

}  // namespace idx::cli
