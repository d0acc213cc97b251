#include "mcp_command.h"

#include <unistd.h>

#include <cstdio>

#include "agent/mcp_server.h"

namespace idx::cli {

McpCommand::McpCommand(CLI::App& parent, bool with_options) {
    cmd_ = parent.add_subcommand("mcp", "Serve idx's tools to an agent over MCP (stdio, JSON-RPC)");
    if (!with_options) return;
    cmd_->add_option("--deadline-ms", deadline_ms_, "Each tool call's deadline (default 10000)")->check(CLI::Range(1u, 3'600'000u));
    cmd_->add_option("--max-tokens", max_tokens_, "Each tool result's token budget (default 8000)")
        ->check(CLI::Range(size_t{100}, size_t{1'000'000}));
    cmd_->add_option("--workers", workers_, "Tool calls run at once (default 4)")->check(CLI::Range(1u, 64u));
}

int McpCommand::run() {
    agent::ToolSet tools;
    agent::McpOptions o;
    o.limits.deadline = std::chrono::milliseconds(deadline_ms_);
    o.limits.token_budget = max_tokens_;
    o.workers = workers_;
#ifdef IDX_VERSION
    o.version = IDX_VERSION;
#endif
    agent::McpServer server(tools, o);
    const int rc = server.serve(STDIN_FILENO, STDOUT_FILENO);
    if (rc != 0) std::fprintf(stderr, "idx mcp: reading stdin failed\n");
    return rc;
}

}  // namespace idx::cli
