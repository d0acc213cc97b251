// `idx status [--json]`: what the index holds, skipped, and is missing.
#pragma once

#include <CLI/CLI.hpp>

#include "walk_flags.h"

namespace idx::cli {

class StatusCommand {
public:
    StatusCommand(CLI::App& parent, bool with_options);
    bool selected() const { return cmd_->parsed(); }
    int run();  // 0 ok, 2 error (no index, bad index)

private:
    CLI::App* cmd_;
    WalkFlags walk_;
    bool json_ = false, no_check_ = false;
    size_t limit_ = 20;
};

}  // namespace idx::cli
