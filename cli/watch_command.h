// `idx watch [PATH] [--db FILE]`: keeps the index of PATH current with
// inotify until stopped (Ctrl-C, SIGTERM); searches at the root then skip
// their walk (see indexer/watcher.h).
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "walk_flags.h"

namespace idx::cli {

class WatchCommand {
public:
    WatchCommand(CLI::App& parent, bool with_options);
    bool selected() const { return cmd_->parsed(); }
    int run();  // 0 stopped by a signal, 2 error

private:
    CLI::App* cmd_;
    WalkFlags walk_;
    std::string path_ = ".", db_;
    bool no_symbols_ = false;
    int settle_ms_ = 100;
};

}  // namespace idx::cli
