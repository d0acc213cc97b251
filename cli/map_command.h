// `idx map [--tokens N] [--focus PATH|SYMBOL ...] [--json]`: the repo map
// (search/repo_map.h) for an LLM's context.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace idx::cli {

class MapCommand {
public:
    MapCommand(CLI::App& parent, bool with_options);
    bool selected() const { return cmd_->parsed(); }
    int run();  // 0 a map, 1 nothing to show, 2 error

private:
    CLI::App* cmd_;
    size_t tokens_ = 1024;
    std::vector<std::string> focus_;
    bool json_ = false;
};

}  // namespace idx::cli
