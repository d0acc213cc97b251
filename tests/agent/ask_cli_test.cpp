// idx ask end to end: the real binary against the scripted LLM server
// (tests/agent/scripted_llm_server.py) over real HTTP on 127.0.0.1, with
// both providers. The model asks for idx's tools; the test checks that the
// tools really ran on the project and that their results went back.
#include <doctest/doctest.h>

#include <string>

#include "tests/support/process.h"
#include "tests/support/scripted_server.h"
#include "tests/support/temp_tree.h"

using idx::test::run_process;
using idx::test::ScriptedServer;
using idx::test::TempTree;

namespace {

struct Project {
    TempTree t;
    Project() {
        t.write("src/lib.c", "int shared_helper(int x)\n{\n    return x * 2;\n}\n");
        t.write("src/main.c", "int main(void)\n{\n    return shared_helper(21);\n}\n");
        REQUIRE(run_process({IDX_BINARY, "index"}, t.root(), {}, {"IDX_DB"}).exit_code == 0);
    }
};

constexpr const char* kScript = R"([
  {"text": "Let me look it up.", "tool_calls": [{"name": "def", "input": {"name": "shared_helper"}}]},
  {"text": "shared_helper is defined in src/lib.c at line 1."}
])";

// Runs idx ask with exactly the LLM settings in `env`: the caller's own keys
// never leak in.
idx::test::ProcessResult ask(const Project& p, std::vector<std::string> args, const std::vector<std::string>& env) {
    std::vector<std::string> unset;
    for (const char* k : {"ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL", "OPENAI_API_KEY", "OPENAI_BASE_URL", "IDX_DB",
                          "IDX_MODEL"}) {
        bool set = false;
        for (const auto& e : env) set = set || e.rfind(std::string(k) + "=", 0) == 0;
        if (!set) unset.emplace_back(k);
    }
    args.insert(args.begin(), {IDX_BINARY, "ask"});
    return run_process(args, p.t.root(), env, unset);
}

}  // namespace

TEST_CASE("idx ask runs a tool loop against an Anthropic Messages API server") {
    Project p;
    ScriptedServer llm(kScript);
    auto r = ask(p, {"Where is shared_helper defined?", "--model", "test-model"},
                 {"ANTHROPIC_API_KEY=test-key", "ANTHROPIC_BASE_URL=" + llm.url()});
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("shared_helper is defined in src/lib.c at line 1.") != std::string::npos);
    CHECK(r.err.find("[tool] def") != std::string::npos);
    const auto log = llm.log_lines();
    REQUIRE(log.size() == 2);
    CHECK(log[0].find("\"model\": \"test-model\"") != std::string::npos);
    CHECK(log[0].find("\"name\": \"search\"") != std::string::npos);  // the tool set went out
    // The second request carries the real tool result, from the index.
    CHECK(log[1].find("tool_result") != std::string::npos);
    CHECK(log[1].find("src/lib.c:1:5: function shared_helper") != std::string::npos);
}

TEST_CASE("idx ask runs a tool loop against an OpenAI-compatible server (llama.cpp, Ollama)") {
    Project p;
    ScriptedServer llm(kScript);
    auto r = ask(p, {"Where is shared_helper defined?", "--provider", "openai"},
                 {"OPENAI_API_KEY=k", "OPENAI_BASE_URL=" + llm.url() + "/v1"});
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("src/lib.c at line 1") != std::string::npos);
    const auto log = llm.log_lines();
    REQUIRE(log.size() == 2);
    CHECK(log[1].find("\"role\": \"tool\"") != std::string::npos);
    CHECK(log[1].find("src/lib.c:1:5: function shared_helper") != std::string::npos);
}

TEST_CASE("idx ask reports a failing LLM server, and bad input, in one line with exit 2") {
    Project p;
    ScriptedServer broken(R"([{"fault": "http_500"}])");
    auto r = ask(p, {"anything"}, {"ANTHROPIC_API_KEY=k", "ANTHROPIC_BASE_URL=" + broken.url()});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("idx ask: ") != std::string::npos);
    CHECK(r.err.find("500") != std::string::npos);

    auto none = ask(p, {"anything"}, {});
    CHECK(none.exit_code == 2);
    CHECK(none.err.find("no LLM configured") != std::string::npos);
    auto empty = ask(p, {"  "}, {"ANTHROPIC_API_KEY=k"});
    CHECK(empty.exit_code == 2);
    CHECK(empty.err == "idx ask: the question is empty\n");
    auto turns = ask(p, {"q", "--max-turns", "0"}, {"ANTHROPIC_API_KEY=k"});
    CHECK(turns.exit_code == 2);
    auto refused = ask(p, {"q"}, {"ANTHROPIC_API_KEY=k", "ANTHROPIC_BASE_URL=http://127.0.0.1:1"});
    CHECK(refused.exit_code == 2);
}
