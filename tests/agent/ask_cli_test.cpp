// idx ask end to end: the real binary against the scripted LLM server
// (tests/agent/scripted_llm_server.py) over real HTTP on 127.0.0.1, with
// both providers. The model asks for idx's tools; the test checks that the
// tools really ran on the project and that their results went back.
#include <doctest/doctest.h>

#include <chrono>
#include <string>

#include "tests/support/process.h"
#include "tests/support/sample_project.h"
#include "tests/support/scripted_server.h"
#include "tests/support/temp_tree.h"

using idx::test::run_process;
using idx::test::ScriptedServer;
using idx::test::TempTree;

namespace {

using Project = idx::test::SampleProject;

constexpr const char* kScript = R"([
  {"text": "Let me look it up.", "tool_calls": [{"name": "def", "input": {"name": "shared_helper"}}]},
  {"text": "shared_helper is defined in src/lib.c at line 1."}
])";

// The settings that point idx ask at `llm` as `provider` speaks it.
std::vector<std::string> provider_env(const std::string& provider, const ScriptedServer& llm) {
    if (provider == "anthropic") return {"ANTHROPIC_API_KEY=k", "ANTHROPIC_BASE_URL=" + llm.url()};
    return {"OPENAI_API_KEY=k", "OPENAI_BASE_URL=" + llm.url() + "/v1"};
}

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
    ScriptedServer broken(R"([{"fault": "http_500", "times": 5}])");
    auto r = ask(p, {"anything", "--retries", "1"}, {"ANTHROPIC_API_KEY=k", "ANTHROPIC_BASE_URL=" + broken.url()});
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

TEST_CASE("idx ask retries a 429 after the server's retry-after, and an overloaded server, then succeeds") {
    Project p;
    ScriptedServer llm(R"([{"fault": "http_429", "times": 2, "retry_after": "0.2"}, {"text": "done after retries"}])");
    const auto t0 = std::chrono::steady_clock::now();
    auto r = ask(p, {"q"}, {"ANTHROPIC_API_KEY=k", "ANTHROPIC_BASE_URL=" + llm.url()});
    const auto took = std::chrono::steady_clock::now() - t0;
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("done after retries") != std::string::npos);
    CHECK(r.err.find("[retry 1 in 0.2 s]") != std::string::npos);
    CHECK(r.err.find("[retry 2 in 0.2 s]") != std::string::npos);
    CHECK(took >= std::chrono::milliseconds(400));  // Retry-After was honoured
    CHECK(llm.log_lines().size() == 3);

    ScriptedServer busy(R"([{"fault": "overloaded", "times": 1, "retry_after": "0"}, {"text": "ok"}])");
    auto o = ask(p, {"q", "--provider", "openai"}, {"OPENAI_API_KEY=k", "OPENAI_BASE_URL=" + busy.url() + "/v1"});
    CHECK(o.exit_code == 0);
    CHECK(o.out.find("ok") != std::string::npos);
}

TEST_CASE("idx ask gives up on a hanging server at its overall timeout, with either provider") {
    Project p;
    for (const char* provider : {"anthropic", "openai"}) {
        ScriptedServer llm(R"([{"fault": "hang", "hang_ms": 60000}])");
        const auto t0 = std::chrono::steady_clock::now();
        auto r = ask(p, {"q", "--timeout", "2", "--provider", provider}, provider_env(provider, llm));
        INFO(provider << ": " << r.err);
        CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(10));
        CHECK(r.exit_code == 2);
        CHECK(r.err.find("timed out") != std::string::npos);
    }
}

TEST_CASE("idx ask handles every fault the same way with either provider") {
    Project p;
    for (const char* provider : {"anthropic", "openai"}) {
        INFO(provider);
        ScriptedServer llm(R"([
          {"fault": "http_429", "times": 1, "retry_after": "0"},
          {"fault": "http_500", "times": 1, "retry_after": "0"},
          {"tool_calls": [{"name": "status", "input": {"check": false}}], "fault": "truncated"},
          {"fault": "unknown_tool"},
          {"fault": "bad_json_args", "tool_calls": [{"name": "search"}]},
          {"text": "final answer"}
        ])");
        auto r = ask(p, {"q", "--provider", provider}, provider_env(provider, llm));
        INFO(r.err);
        CHECK(r.exit_code == 0);
        CHECK(r.out.find("final answer") != std::string::npos);
        const auto log = llm.log_lines();
        CHECK(log.size() == 6);
        CHECK(r.err.find("[retry 1") != std::string::npos);
    }
}

TEST_CASE("idx ask recovers from a truncated stream, and tells the model about unknown tools and malformed arguments") {
    Project p;
    ScriptedServer llm(R"([
      {"tool_calls": [{"name": "status", "input": {"check": false}}], "fault": "truncated"},
      {"fault": "unknown_tool"},
      {"fault": "bad_json_args", "tool_calls": [{"name": "search"}]},
      {"text": "final answer"}
    ])");
    auto r = ask(p, {"q", "--provider", "openai"}, {"OPENAI_API_KEY=k", "OPENAI_BASE_URL=" + llm.url() + "/v1"});
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("final answer") != std::string::npos);
    const auto log = llm.log_lines();
    REQUIRE(log.size() == 4);
    CHECK(log[2].find("unknown tool: no_such_tool") != std::string::npos);  // sent back as a tool error
    CHECK(log[3].find("was not run") != std::string::npos);                 // the malformed arguments

    // A stream cut after text was printed is not retried (the text would
    // repeat): one clear error instead.
    ScriptedServer cut(R"([{"text": "some words that get cut off", "fault": "truncated"}, {"text": "never"}])");
    auto c = ask(p, {"q"}, {"ANTHROPIC_API_KEY=k", "ANTHROPIC_BASE_URL=" + cut.url()});
    CHECK(c.exit_code == 2);
    CHECK(c.out.find("never") == std::string::npos);
}

TEST_CASE("idx ask --replay runs the tools for real without a network, and --json records a replayable transcript") {
    Project p;
    p.t.write("replay.json", R"({"turns": [
      {"text": "", "tool_calls": [{"name": "def", "input": {"name": "shared_helper"}},
                                  {"name": "refs", "input": {"name": "shared_helper"}}]},
      {"text": "It is in src/lib.c."}]})");
    auto r = ask(p, {"q", "--replay", "replay.json", "--json", "--profile"}, {});
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("\"answer\":\"It is in src/lib.c.\"") != std::string::npos);
    CHECK(r.out.find("src/lib.c:1:5: function shared_helper") != std::string::npos);  // the def tool really ran
    CHECK(r.out.find("src/main.c:3:12: reference shared_helper") != std::string::npos);  // and refs, concurrently
    CHECK(r.err.find("non-LLM time:") != std::string::npos);
    p.t.write("transcript.json", r.out);
    auto again = ask(p, {"q", "--replay", "transcript.json"}, {});
    CHECK(again.exit_code == 0);
    CHECK(again.out.find("It is in src/lib.c.") != std::string::npos);
    // A tool call without input, and one whose input is not an object.
    p.t.write("odd.json", R"([{"tool_calls": [{"name": "status"}, {"name": "def", "input": "x"}]}, {"text": "ok"}])");
    auto odd = ask(p, {"q", "--replay", "odd.json"}, {});
    CHECK(odd.exit_code == 0);
    auto missing = ask(p, {"q", "--replay", "no_such_file.json"}, {});
    CHECK(missing.exit_code == 2);
    CHECK(missing.err.find("no_such_file.json") != std::string::npos);
}

TEST_CASE("with $IDX_DB, the tools run from a subfolder map paths to the tree the index was built from") {
    TempTree t;
    TempTree elsewhere;  // the index lives outside the tree
    t.write("lib/util.c", "int helper_fn(int x)\n{\n    return x + 1;\n}\n");
    const std::string db = "IDX_DB=" + elsewhere.path("project.db");
    REQUIRE(run_process({IDX_BINARY, "index"}, t.root(), {db}).exit_code == 0);
    t.write("lib/replay.json", R"([{"tool_calls": [{"name": "outline", "input": {"path": "util.c"}}]}, {"text": "ok"}])");
    auto r = run_process({IDX_BINARY, "ask", "q", "--replay", "replay.json", "--json"}, t.path("lib"), {db});
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("function helper_fn") != std::string::npos);
}
