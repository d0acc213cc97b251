// `idx mcp`: serves idx's tools to an agent over MCP on stdio
// (agent/mcp_server.h). Register it with `claude mcp add idx -- idx mcp`.
#pragma once

#include <CLI/CLI.hpp>

namespace idx::cli {

class McpCommand {
public:
    McpCommand(CLI::App& parent, bool with_options);
    bool selected() const { return cmd_->parsed(); }
    int run();

private:
    CLI::App* cmd_;
    unsigned deadline_ms_ = 10000;
    size_t max_tokens_ = 8000;
    unsigned workers_ = 4;
};

}  // namespace idx::cli
