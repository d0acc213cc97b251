// AnthropicClient, OpenAiClient and run_ask against the scripted fake LLM
// server (tests/agent/scripted_llm_server.py) over real HTTP: streaming,
// fragment assembly, what is sent back, and every fault the server can play.
#include <doctest/doctest.h>
#include <simdjson.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "agent/ask_loop.h"
#include "agent/llm_client.h"
#include "tests/support/scripted_server.h"

using namespace idx::agent;
using idx::ErrorKind;
using idx::test::ScriptedServer;

namespace {

enum class Api { kAnthropic, kOpenAi };

std::unique_ptr<LlmClient> client_for(Api api, const std::string& base, std::string key = "test-key") {
    LlmConfig config;
    config.api_key = std::move(key);
    config.connect_timeout = std::chrono::milliseconds(3000);
    if (api == Api::kAnthropic) {
        config.base_url = base;
        return std::make_unique<AnthropicClient>(config);
    }
    config.base_url = base + "/v1";
    return std::make_unique<OpenAiClient>(config);
}

TurnRequest question(const std::string& text) {
    TurnRequest r;
    r.model = "scripted-model";
    r.max_tokens = 256;
    r.system = "You answer questions about code.";
    r.messages.push_back(Message{Role::kUser, {ContentBlock::make_text(text)}});
    r.tools.push_back(ToolSpec{"search", "Search the index",
                               R"({"type":"object","properties":{"query":{"type":"string"}},"required":["query"]})"});
    return r;
}

// A JSON value of a logged request, by JSON pointer ("/body/model").
std::string logged(const std::string& line, const std::string& pointer) {
    static simdjson::dom::parser parser;
    simdjson::dom::element e;
    if (parser.parse(line).at_pointer(pointer).get(e) != simdjson::SUCCESS) return "<missing>";
    if (e.is_string()) return std::string(std::string_view(e));
    return simdjson::to_string(e);
}

struct Streamed {
    idx::Expected<TurnResult> result = idx::Error{};
    std::vector<std::string> deltas;
};

Streamed one_turn(Api api, const ScriptedServer& server, StreamCallbacks cb = {}) {
    Streamed s;
    cb.on_text = [&s](std::string_view d) { s.deltas.emplace_back(d); };
    s.result = client_for(api, server.url())->turn(question("Where is main?"), cb);
    return s;
}

std::string error_of(const idx::Expected<TurnResult>& r) { return r ? "<ok>" : r.error().message; }

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

const Api kApis[] = {Api::kAnthropic, Api::kOpenAi};
std::string name_of(Api api) { return api == Api::kAnthropic ? "anthropic" : "openai"; }

}  // namespace

TEST_CASE("text streams in several deltas that join into the reply") {
    for (Api api : kApis) {
        CAPTURE(name_of(api));
        ScriptedServer server(R"([{"text": "main is defined in src/main.cpp, line 3."}])");
        const Streamed s = one_turn(api, server);
        REQUIRE_MESSAGE(s.result, error_of(s.result));
        CHECK(s.result->text == "main is defined in src/main.cpp, line 3.");
        CHECK(s.deltas.size() > 1);
        std::string joined;
        for (const auto& d : s.deltas) joined += d;
        CHECK(joined == s.result->text);
        CHECK(s.result->tool_calls.empty());
        CHECK(s.result->stop_reason == (api == Api::kAnthropic ? "end_turn" : "stop"));
        CHECK(s.result->usage.output_tokens > 0);
    }
}

TEST_CASE("each provider gets its own headers and request shape") {
    ScriptedServer server(R"([{"text": "a"}, {"text": "b"}])");
    REQUIRE(one_turn(Api::kAnthropic, server).result);
    REQUIRE(one_turn(Api::kOpenAi, server).result);
    const auto log = server.log_lines();
    REQUIRE(log.size() == 2);
    CHECK(logged(log[0], "/path") == "/v1/messages");
    CHECK(logged(log[0], "/headers/x-api-key") == "test-key");
    CHECK(logged(log[0], "/headers/anthropic-version") == "2023-06-01");
    CHECK(logged(log[0], "/body/stream") == "true");
    CHECK(logged(log[0], "/body/system") == "You answer questions about code.");
    CHECK(logged(log[0], "/body/tools/0/input_schema/required/0") == "query");
    CHECK(logged(log[0], "/body/messages/0/content/0/text") == "Where is main?");
    CHECK(logged(log[1], "/path") == "/v1/chat/completions");
    CHECK(logged(log[1], "/headers/authorization") == "Bearer test-key");
    CHECK(logged(log[1], "/body/messages/0/role") == "system");
    CHECK(logged(log[1], "/body/messages/1/content") == "Where is main?");
    CHECK(logged(log[1], "/body/tools/0/type") == "function");
    CHECK(logged(log[1], "/body/tools/0/function/parameters/type") == "object");
}

TEST_CASE("tool call arguments streamed in fragments are assembled") {
    for (Api api : kApis) {
        CAPTURE(name_of(api));
        ScriptedServer server(R"([{"text": "Let me search.", "tool_calls": [
            {"name": "search", "input": {"query": "int main(", "limit": 5}},
            {"name": "outline", "input": {"path": "src/main.cpp"}, "id": "given_id"}]}])");
        const Streamed s = one_turn(api, server);
        REQUIRE_MESSAGE(s.result, error_of(s.result));
        CHECK(s.result->text == "Let me search.");
        REQUIRE(s.result->tool_calls.size() == 2);
        const ToolCall& a = s.result->tool_calls[0];
        CHECK(a.id == (api == Api::kAnthropic ? "toolu_0_0" : "call_0_0"));
        CHECK(a.name == "search");
        CHECK(a.arguments_json == R"({"query": "int main(", "limit": 5})");
        CHECK(a.arguments_error.empty());
        CHECK(s.result->tool_calls[1].id == "given_id");
        CHECK(s.result->tool_calls[1].arguments_json == R"({"path": "src/main.cpp"})");
        CHECK(s.result->stop_reason == (api == Api::kAnthropic ? "tool_use" : "tool_calls"));
    }
}

TEST_CASE("CRLF framing and a body that ends at socket close are read alike") {
    for (Api api : kApis) {
        CAPTURE(name_of(api));
        ScriptedServer server(R"([{"text": "crlf works", "crlf": true},
                                  {"text": "close works", "chunked": false, "tool_calls": [{"name": "search"}]}])");
        auto client = client_for(api, server.url());
        auto first = client->turn(question("q"), {});
        REQUIRE_MESSAGE(first, error_of(first));
        CHECK(first->text == "crlf works");
        auto second = client->turn(question("q"), {});
        REQUIRE_MESSAGE(second, error_of(second));
        CHECK(second->text == "close works");
        REQUIRE(second->tool_calls.size() == 1);
        CHECK(second->tool_calls[0].arguments_json == "{}");
    }
}

TEST_CASE("an HTTP 500 is an I/O error carrying the provider's message") {
    for (Api api : kApis) {
        CAPTURE(name_of(api));
        ScriptedServer server(R"([{"fault": "http_500"}])");
        const Streamed s = one_turn(api, server);
        REQUIRE_FALSE(s.result);
        CHECK(s.result.error().kind == ErrorKind::kIo);
        CHECK(contains(s.result.error().message, "HTTP 500"));
        CHECK(contains(s.result.error().message, "Internal server error (scripted fault)"));
    }
}

TEST_CASE("a missing API key is refused with 401 as a permission error") {
    for (Api api : kApis) {
        CAPTURE(name_of(api));
        ScriptedServer server(R"([{"text": "never sent"}])");
        auto r = client_for(api, server.url(), "")->turn(question("q"), {});
        REQUIRE_FALSE(r);
        CHECK(r.error().kind == ErrorKind::kPermission);
        CHECK(contains(r.error().message, "HTTP 401"));
    }
}

TEST_CASE("a reply that is not an event stream is reported as corrupt with its first bytes") {
    for (Api api : kApis) {
        CAPTURE(name_of(api));
        ScriptedServer server(R"([{"fault": "garbage"}])");
        const Streamed s = one_turn(api, server);
        REQUIRE_FALSE(s.result);
        CHECK(s.result.error().kind == ErrorKind::kCorrupt);
        CHECK(contains(s.result.error().message, "not an event stream"));
        CHECK(contains(s.result.error().message, "502 Bad Gateway"));
    }
}

TEST_CASE("a stream cut in the middle is an error, chunked or not") {
    for (Api api : kApis) {
        for (const char* chunked : {"true", "false"}) {
            CAPTURE(name_of(api));
            CAPTURE(chunked);
            ScriptedServer server(std::string(R"([{"text": "this answer will be cut off half way through",
                                                  "fault": "disconnect", "chunked": )") + chunked + "}]");
            const Streamed s = one_turn(api, server);
            REQUIRE_FALSE(s.result);
            CHECK(s.result.error().kind == ErrorKind::kIo);
        }
    }
}

TEST_CASE("an error event in the middle of a stream ends the turn with its message") {
    for (Api api : kApis) {
        CAPTURE(name_of(api));
        ScriptedServer server(R"([{"text": "partial text before the error", "fault": "error_event"}])");
        const Streamed s = one_turn(api, server);
        REQUIRE_FALSE(s.result);
        CHECK(s.result.error().kind == ErrorKind::kIo);
        CHECK(contains(s.result.error().message, api == Api::kAnthropic ? "overloaded_error: Overloaded"
                                                                         : "server_error: The server had an error"));
    }
}

TEST_CASE("a slow stream is abandoned at the deadline or on cancel, without waiting for the end") {
    const std::string slow = R"([{"text": "a long answer dripping out byte by byte", "fault": "slow_drip",
                                  "delay_ms": 50, "drip_bytes": 4}])";
    for (Api api : kApis) {
        CAPTURE(name_of(api));
        {
            ScriptedServer server(slow);
            StreamCallbacks cb;
            const auto start = std::chrono::steady_clock::now();
            cb.deadline = start + std::chrono::milliseconds(400);
            const Streamed s = one_turn(api, server, cb);
            REQUIRE_FALSE(s.result);
            CHECK(contains(s.result.error().message, "timed out"));
            CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(3));
        }
        {
            ScriptedServer server(slow);
            std::atomic<bool> cancel{false};
            StreamCallbacks cb;
            cb.cancel = &cancel;
            std::thread canceller([&cancel] {
                std::this_thread::sleep_for(std::chrono::milliseconds(300));
                cancel = true;
            });
            const auto start = std::chrono::steady_clock::now();
            const Streamed s = one_turn(api, server, cb);
            canceller.join();
            REQUIRE_FALSE(s.result);
            CHECK(contains(s.result.error().message, "cancelled"));
            CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(3));
        }
    }
}

TEST_CASE("a slow stream within its deadline completes") {
    ScriptedServer server(R"([{"text": "slow but fine", "fault": "slow_drip", "delay_ms": 5, "drip_bytes": 64}])");
    StreamCallbacks cb;
    cb.deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    const Streamed s = one_turn(Api::kAnthropic, server, cb);
    REQUIRE_MESSAGE(s.result, error_of(s.result));
    CHECK(s.result->text == "slow but fine");
}

TEST_CASE("a server that is not listening is an I/O error") {
    auto r = client_for(Api::kOpenAi, "http://127.0.0.1:1")->turn(question("q"), {});
    REQUIRE_FALSE(r);
    CHECK(r.error().kind == ErrorKind::kIo);
    CHECK(contains(r.error().message, "cannot connect"));
}

TEST_CASE("an OpenAI base URL without /v1 gets a hint with its 404") {
    ScriptedServer server(R"([])");
    LlmConfig config;
    config.base_url = server.url() + "/api";
    config.api_key = "k";
    auto r = OpenAiClient(config).turn(question("q"), {});
    REQUIRE_FALSE(r);
    CHECK(r.error().kind == ErrorKind::kNotFound);
    CHECK(contains(r.error().message, "/v1"));
}

TEST_CASE("a tool schema that is not a JSON object is refused before sending") {
    ScriptedServer server(R"([])");
    TurnRequest r = question("q");
    r.tools[0].input_schema_json = "{\"type\": ";
    auto out = client_for(Api::kAnthropic, server.url())->turn(r, {});
    REQUIRE_FALSE(out);
    CHECK(out.error().kind == ErrorKind::kInvalidArgument);
    CHECK(server.log_lines().empty());
}

TEST_CASE("the ask loop runs the tools, sends their results back and returns the final answer") {
    for (Api api : kApis) {
        CAPTURE(name_of(api));
        ScriptedServer server(R"([
            {"text": "Searching.", "tool_calls": [{"name": "search", "input": {"query": "main("}},
                                                  {"name": "nope", "input": {}}]},
            {"text": "main is in main.cpp."}])");
        auto client = client_for(api, server.url());
        AskOptions opts;
        opts.question = "Where is main?";
        opts.model = "scripted-model";
        opts.tools = question("").tools;
        // A turn's tool calls run concurrently: the executor is called from
        // several threads, in no set order (the results go back in order).
        std::mutex executed_mu;
        std::vector<std::string> executed;
        auto executor = [&](const std::string& name, const std::string& args) {
            {
                std::lock_guard lock(executed_mu);
                executed.push_back(name + " " + args);
            }
            if (name != "search") return ToolOutcome{"unknown tool " + name, true};
            return ToolOutcome{"main.cpp:3: int main(", false};
        };
        auto r = run_ask(*client, opts, executor);
        REQUIRE_MESSAGE(r, (r ? "" : r.error().message));
        CHECK(r->answer == "main is in main.cpp.");
        CHECK(r->turns == 2);
        CHECK(r->tool_calls == 2);
        std::sort(executed.begin(), executed.end());
        CHECK(executed == std::vector<std::string>{"nope {}", R"(search {"query": "main("})"});
        const auto log = server.log_lines();
        REQUIRE(log.size() == 2);
        if (api == Api::kAnthropic) {
            CHECK(logged(log[1], "/body/messages/1/content/1/type") == "tool_use");
            CHECK(logged(log[1], "/body/messages/1/content/1/input/query") == "main(");
            CHECK(logged(log[1], "/body/messages/2/content/0/tool_use_id") == "toolu_0_0");
            CHECK(logged(log[1], "/body/messages/2/content/0/content") == "main.cpp:3: int main(");
            CHECK(logged(log[1], "/body/messages/2/content/0/is_error") == "false");
            CHECK(logged(log[1], "/body/messages/2/content/1/is_error") == "true");
        } else {
            // No system prompt: the user's question, the echoed assistant turn, one tool message per call.
            CHECK(logged(log[1], "/body/messages/1/role") == "assistant");
            CHECK(logged(log[1], "/body/messages/1/content") == "Searching.");
            CHECK(logged(log[1], "/body/messages/1/tool_calls/0/function/arguments") == R"({"query": "main("})");
            CHECK(logged(log[1], "/body/messages/2/role") == "tool");
            CHECK(logged(log[1], "/body/messages/2/tool_call_id") == "call_0_0");
            CHECK(logged(log[1], "/body/messages/2/content") == "main.cpp:3: int main(");
            CHECK(logged(log[1], "/body/messages/3/tool_call_id") == "call_0_1");
            CHECK(logged(log[1], "/body/messages/3/content") == "error: unknown tool nope");
        }
    }
}

TEST_CASE("arguments that are not JSON are answered with an error the model sees, not run") {
    for (Api api : kApis) {
        CAPTURE(name_of(api));
        ScriptedServer server(R"([{"fault": "bad_json_args"}, {"text": "Sorry."}])");
        auto client = client_for(api, server.url());
        AskOptions opts;
        opts.question = "q";
        opts.tools = question("").tools;
        int runs = 0;
        auto r = run_ask(*client, opts, [&](const std::string&, const std::string&) {
            ++runs;
            return ToolOutcome{"ran", false};
        });
        REQUIRE_MESSAGE(r, (r ? "" : r.error().message));
        CHECK(runs == 0);
        CHECK(r->answer == "Sorry.");
        const auto log = server.log_lines();
        REQUIRE(log.size() == 2);
        if (api == Api::kAnthropic) {
            CHECK(logged(log[1], "/body/messages/1/content/0/input") == "{}");
            CHECK(logged(log[1], "/body/messages/2/content/0/is_error") == "true");
            CHECK(contains(logged(log[1], "/body/messages/2/content/0/content"), "not valid JSON"));
        } else {
            CHECK(logged(log[1], "/body/messages/1/content") == "null");  // no text, only the call
            CHECK(contains(logged(log[1], "/body/messages/1/tool_calls/0/function/arguments"), "unterminated"));
            CHECK(contains(logged(log[1], "/body/messages/2/content"), "not valid JSON"));
        }
    }
}

TEST_CASE("the ask loop stops with its own error kind when max_turns is reached") {
    ScriptedServer server(R"([{"tool_calls": [{"name": "search", "input": {"query": "a"}}]},
                              {"tool_calls": [{"name": "search", "input": {"query": "b"}}]},
                              {"text": "too late"}])");
    auto client = client_for(Api::kAnthropic, server.url());
    AskOptions opts;
    opts.question = "q";
    opts.max_turns = 2;
    int runs = 0;
    auto r = run_ask(*client, opts, [&](const std::string&, const std::string&) {
        ++runs;
        return ToolOutcome{"x", false};
    });
    REQUIRE_FALSE(r);
    CHECK(r.error().kind == kMaxTurnsReached);
    CHECK(contains(r.error().message, "2 turns"));
    CHECK(runs == 1);  // the last turn's calls are not run: nobody would read their results
    CHECK(server.log_lines().size() == 2);
}

TEST_CASE("a huge tool output is cut before it reaches the model") {
    ScriptedServer server(R"([{"tool_calls": [{"name": "search", "input": {}}]}, {"text": "ok"}])");
    auto client = client_for(Api::kOpenAi, server.url());
    AskOptions opts;
    opts.question = "q";
    opts.max_tool_result_bytes = 1000;
    auto r = run_ask(*client, opts, [](const std::string&, const std::string&) {
        return ToolOutcome{std::string(999, 'x') + "\xC3\xA9" + std::string(5000, 'y'), false};
    });
    REQUIRE_MESSAGE(r, (r ? "" : r.error().message));
    const std::string sent = logged(server.log_lines().at(1), "/body/messages/2/content");  // the tool message
    CHECK(sent.substr(0, 999) == std::string(999, 'x'));
    CHECK(contains(sent, "[output truncated: 999 of 6001 bytes shown"));
}
