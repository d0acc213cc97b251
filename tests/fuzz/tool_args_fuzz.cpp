// Fuzzes the tools with argument JSON as an LLM might send it (issue #6's
// tools, issue #7): any bytes, for any tool. Check: a call returns an error
// or a result, and a result's structured content is well-formed JSON.
//
// Input: one byte choosing the tool, then the arguments.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "agent/tool_set.h"
#include "tests/fuzz/fuzz_tree.h"

using namespace idx::agent;

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    idx::fuzz::enter_fuzz_tree();  // without an index: tools scan and parse directly
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const ToolSet tools;
    if (size < 1 || size > 4096) return 0;
    const auto& defs = tools.definitions();
    const auto& tool = defs[data[0] % defs.size()];
    const std::string_view args(reinterpret_cast<const char*>(data) + 1, size - 1);
    CallLimits limits;
    limits.deadline = std::chrono::milliseconds(2000);
    limits.token_budget = 500;
    auto out = tools.call(tool.name, args, limits);
    if (!out) return 0;
    if (!out->is_error && !idx::fuzz::is_json(out->structured)) {
        std::fprintf(stderr, "%s: structured content is not JSON: %s\n", tool.name.c_str(), out->structured.c_str());
        std::abort();
    }
    return 0;
}
