// idx mcp under the real MCP Inspector CLI (npm @modelcontextprotocol/inspector,
// pinned in tests/mcp/package-lock.json, installed by scripts/bootstrap.sh):
// tools/list and tools/call, in the legacy (2025-11-25) and modern
// (2026-07-28) protocol eras, and a failing tool (the Inspector's exit 5).
#include <doctest/doctest.h>

#include <string>

#include "tests/support/process.h"
#include "tests/support/sample_project.h"
#include "tests/support/temp_tree.h"

using idx::test::run_process;
using idx::test::TempTree;

namespace {

const std::string kInspector = std::string(IDX_SOURCE_DIR) + "/tests/mcp/node_modules/.bin/mcp-inspector";

struct InspectorProject : idx::test::SampleProject {
    idx::test::ProcessResult inspect(std::vector<std::string> args) const {
        std::vector<std::string> argv{kInspector, "--cli", IDX_BINARY, "mcp"};
        argv.insert(argv.end(), args.begin(), args.end());
        argv.push_back("--format");
        argv.push_back("json");
        return run_process(argv, t.root(), {}, {"IDX_DB"});
    }
};

}  // namespace

TEST_CASE("the MCP Inspector lists idx's tools and calls one") {
    InspectorProject p;
    auto list = p.inspect({"--method", "tools/list"});
    INFO(list.err);
    CHECK(list.exit_code == 0);
    for (const char* tool : {"\"search\"", "\"def\"", "\"refs\"", "\"sym\"", "\"map\"", "\"query\"", "\"read\""}) {
        CHECK(list.out.find(std::string("\"name\":") + tool) != std::string::npos);
    }
    auto call = p.inspect({"--method", "tools/call", "--tool-name", "def", "--tool-arg", "name=shared_helper"});
    INFO(call.err);
    CHECK(call.exit_code == 0);
    CHECK(call.out.find("src/lib.c:1:5: function shared_helper") != std::string::npos);
    CHECK(call.out.find("\"structuredContent\"") != std::string::npos);
}

TEST_CASE("the MCP Inspector speaks the 2026-07-28 revision to idx mcp") {
    InspectorProject p;
    auto list = p.inspect({"--protocol-era", "modern", "--method", "tools/list"});
    INFO(list.err);
    CHECK(list.exit_code == 0);
    CHECK(list.out.find("\"name\":\"search\"") != std::string::npos);
    auto call = p.inspect({"--protocol-era", "modern", "--method", "tools/call", "--tool-name", "search",
                           "--tool-arg", "pattern=shared_helper", "output_mode=count"});
    INFO(call.err);
    CHECK(call.exit_code == 0);
    CHECK(call.out.find("src/lib.c:1") != std::string::npos);
}

TEST_CASE("the MCP Inspector sees a failing tool as a tool error") {
    InspectorProject p;
    auto call = p.inspect({"--method", "tools/call", "--tool-name", "search", "--tool-arg", "pattern=(unclosed"});
    CHECK(call.exit_code == 5);  // the Inspector's code for isError
    auto unknown = p.inspect({"--method", "tools/call", "--tool-name", "no_such_tool"});
    CHECK(unknown.exit_code != 0);
}

TEST_CASE("the MCP Inspector calls every tool idx serves") {
    InspectorProject p;
    struct Call {
        std::vector<std::string> args;
        std::string expect;
    };
    const std::vector<Call> calls = {
        {{"--tool-name", "search", "--tool-arg", "pattern=shared_helper", "output_mode=content"}, "src/lib.c:1:"},
        {{"--tool-name", "files", "--tool-arg", "glob=*.c"}, "src/main.c"},
        {{"--tool-name", "read", "--tool-arg", "path=src/lib.c"}, "return x * 2;"},
        {{"--tool-name", "def", "--tool-arg", "name=shared_helper"}, "function shared_helper"},
        {{"--tool-name", "refs", "--tool-arg", "name=shared_helper"}, "src/main.c:3:12"},
        {{"--tool-name", "sym", "--tool-arg", "query=shrdhlp"}, "shared_helper"},
        {{"--tool-name", "outline", "--tool-arg", "path=src/lib.c"}, "function shared_helper"},
        {{"--tool-name", "map", "--tool-arg", "tokens=500"}, "src/lib.c"},
        {{"--tool-name", "query", "--tool-args-json",
          R"J({"query": "(call_expression function: (identifier) @f)", "lang": "c"})J"},
         "@f shared_helper"},
        {{"--tool-name", "status", "--tool-arg", "check=false"}, "files"},
    };
    for (const auto& c : calls) {
        std::vector<std::string> args{"--method", "tools/call"};
        args.insert(args.end(), c.args.begin(), c.args.end());
        auto r = p.inspect(args);
        INFO(c.args[1] << ": " << r.err << r.out);
        CHECK(r.exit_code == 0);
        CHECK(r.out.find(c.expect) != std::string::npos);
    }
}
