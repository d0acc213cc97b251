// McpServer: idx's tools over the Model Context Protocol, on stdio
// (newline-delimited JSON-RPC 2.0; nothing but protocol on stdout).
//
// Two revisions at once:
//  - 2025-11-25: initialize / notifications/initialized, then tools/list,
//    tools/call, ping, notifications/cancelled; a requested version the
//    server does not know is answered with its own (as the spec says).
//  - 2026-07-28: no handshake; each request carries its protocol version and
//    client capabilities in params._meta; server/discover; results carry
//    resultType (and tools/list ttlMs and cacheScope); an unknown version is
//    error -32022. Once `initialize` arrives, the connection is legacy.
// Errors: -32700 malformed JSON (or a line over the size limit), -32600 not
// a request, -32601 unknown method, -32602 bad parameters (unknown tool,
// arguments that do not fit its schema); a tool whose work fails answers a
// result with isError: true. Tool calls run on worker threads, so a
// notifications/cancelled can stop one; a cancelled call gets no response.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "agent/tool_set.h"

namespace idx::agent {

struct McpOptions {
    CallLimits limits;                       // each tools/call's deadline and token budget
    size_t max_message_bytes = size_t{4} << 20;  // a longer line is refused (-32700) and skipped
    unsigned workers = 4;                    // tool calls running at once (more wait in a queue)
    std::string version = "0.0.0";           // serverInfo.version
};

class McpServer {
public:
    McpServer(const ToolSet& tools, McpOptions options);
    ~McpServer();
    McpServer(const McpServer&) = delete;
    McpServer& operator=(const McpServer&) = delete;

    // Serves until `in_fd` reaches end of file (then waits for calls in
    // flight) or `out_fd` is closed. Returns 0, or 2 when reading failed.
    int serve(int in_fd, int out_fd);

private:
    struct Impl;
    Impl* impl_;
};

}  // namespace idx::agent
