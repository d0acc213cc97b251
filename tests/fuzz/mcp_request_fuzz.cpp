// Fuzzes idx mcp's JSON-RPC handling with whole sessions of client input
// (any bytes, lines of any length). Check: the server ends, and every line
// it writes is one JSON-RPC 2.0 message.
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "agent/mcp_server.h"
#include "tests/fuzz/fuzz_tree.h"

using namespace idx::agent;

namespace {

int memfd_with(std::string_view bytes) {
    const int fd = ::memfd_create("mcp", 0);
    if (fd < 0) std::abort();
    if (::write(fd, bytes.data(), bytes.size()) != static_cast<ssize_t>(bytes.size())) std::abort();
    ::lseek(fd, 0, SEEK_SET);
    return fd;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    idx::fuzz::enter_fuzz_tree();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const ToolSet tools;
    if (size > 8192) return 0;
    McpOptions options;
    options.limits.deadline = std::chrono::milliseconds(2000);
    options.limits.token_budget = 500;
    options.max_message_bytes = 1024;  // small, so that the fuzzer reaches it
    options.workers = 2;
    const int in = memfd_with(std::string_view(reinterpret_cast<const char*>(data), size));
    const int out = memfd_with("");
    {
        McpServer server(tools, options);
        (void)server.serve(in, out);
    }
    std::string written(static_cast<size_t>(::lseek(out, 0, SEEK_END)), '\0');
    if (::pread(out, written.data(), written.size(), 0) != static_cast<ssize_t>(written.size())) std::abort();
    ::close(in);
    ::close(out);
    size_t at = 0;
    while (at < written.size()) {
        const size_t nl = written.find('\n', at);
        if (nl == std::string::npos) {
            std::fprintf(stderr, "unterminated output line\n");
            std::abort();
        }
        const std::string_view line(written.data() + at, nl - at);
        if (!idx::fuzz::is_json(line) || line.find("\"jsonrpc\":\"2.0\"") == std::string_view::npos) {
            std::fprintf(stderr, "not a JSON-RPC message: %.*s\n", static_cast<int>(line.size()), line.data());
            std::abort();
        }
        at = nl + 1;
    }
    return 0;
}
