// `idx ask "QUESTION"`: the built-in agent. An LLM (Anthropic's Messages API
// or any OpenAI-compatible chat-completions server: OpenAI, llama.cpp,
// Ollama, vLLM) answers a question about the repository, calling idx's tools
// (the same ToolSet as `idx mcp`) in a loop; the answer streams to stdout,
// tool calls are shown on stderr.
//
// Lives in libidx_ask.so, loaded by idx only for `ask`: libcurl and TLS
// would otherwise cost every search their load time.
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <CLI/CLI.hpp>

#include "agent/ask_loop.h"
#include "agent/llm_client.h"
#include "agent/tool_set.h"

namespace {

std::atomic<bool> g_interrupted{false};
void on_sigint(int) { g_interrupted.store(true); }

std::string env(const char* name) {
    const char* v = std::getenv(name);
    return v ? v : "";
}

constexpr const char* kSystem =
    "You answer questions about the software repository in the current directory. Use the tools to look things up "
    "instead of guessing: map for an overview, sym/def/refs for symbols, search for text, outline and read for "
    "files. Cite paths with line numbers. Tool results say when they are truncated or empty and why; continue with "
    "the offset they give when you need more.";

}  // namespace

extern "C" __attribute__((visibility("default"))) int idx_ask_main(int argc, char** argv) {
    CLI::App app("idx ask: answer a question about this repository with an LLM and idx's tools", "idx");
    auto* ask = app.add_subcommand("ask", "Answer a question about the repository with an LLM and idx's tools");
    std::string question, provider, model, base_url;
    int max_turns = 12, max_tokens = 4096;
    unsigned deadline_ms = 10000;
    bool quiet = false;
    ask->add_option("QUESTION", question, "The question")->required();
    ask->add_option("--provider", provider, "anthropic or openai (default: whichever API key is set)")
        ->check(CLI::IsMember({"anthropic", "openai"}));
    ask->add_option("--model", model, "The model (default: $IDX_MODEL, else the provider's default)");
    ask->add_option("--max-turns", max_turns, "Requests to the model at most (default 12)")->check(CLI::Range(1, 200));
    ask->add_option("--max-tokens", max_tokens, "Tokens per reply at most (default 4096)")->check(CLI::Range(16, 200000));
    ask->add_option("--deadline-ms", deadline_ms, "Each tool call's deadline (default 10000)")->check(CLI::Range(1u, 3'600'000u));
    ask->add_flag("-q,--quiet", quiet, "Do not show tool calls on stderr");
    app.require_subcommand(1, 1);
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        std::fprintf(stderr, "idx: error: %s\n", e.what());
        return 2;
    }
    if (question.find_first_not_of(" \t\r\n") == std::string::npos) {
        std::fprintf(stderr, "idx ask: the question is empty\n");
        return 2;
    }
    if (provider.empty()) {
        provider = !env("ANTHROPIC_API_KEY").empty() || !env("ANTHROPIC_BASE_URL").empty() ? "anthropic"
                   : !env("OPENAI_API_KEY").empty() || !env("OPENAI_BASE_URL").empty()     ? "openai"
                                                                                          : "";
    }
    if (provider.empty()) {
        std::fprintf(stderr, "idx ask: no LLM configured: set ANTHROPIC_API_KEY, or OPENAI_API_KEY / OPENAI_BASE_URL "
                             "(e.g. http://127.0.0.1:8080/v1 for llama.cpp, http://127.0.0.1:11434/v1 for Ollama)\n");
        return 2;
    }
    idx::agent::LlmConfig config;
    const bool anthropic = provider == "anthropic";
    config.api_key = env(anthropic ? "ANTHROPIC_API_KEY" : "OPENAI_API_KEY");
    config.base_url = env(anthropic ? "ANTHROPIC_BASE_URL" : "OPENAI_BASE_URL");
    if (config.base_url.empty()) config.base_url = anthropic ? "https://api.anthropic.com" : "https://api.openai.com/v1";
    const bool cloud = config.base_url.find("api.anthropic.com") != std::string::npos ||
                       config.base_url.find("api.openai.com") != std::string::npos;
    if (cloud && config.api_key.empty()) {
        std::fprintf(stderr, "idx ask: %s is not set\n", anthropic ? "ANTHROPIC_API_KEY" : "OPENAI_API_KEY");
        return 2;
    }
    if (model.empty()) model = env("IDX_MODEL");
    if (model.empty()) model = anthropic ? "claude-sonnet-4-5" : "gpt-4o-mini";

    idx::agent::ToolSet tools;
    idx::agent::AskOptions o;
    o.question = question;
    o.model = model;
    o.max_turns = max_turns;
    o.max_tokens = max_tokens;
    o.system_prompt = kSystem;
    for (const auto& d : tools.definitions()) o.tools.push_back({d.name, d.description, d.input_schema});

    std::signal(SIGINT, on_sigint);
    std::signal(SIGPIPE, SIG_IGN);  // a dropped TLS connection is an error, not a signal
    idx::agent::CallLimits limits;
    limits.deadline = std::chrono::milliseconds(deadline_ms);
    limits.cancel = &g_interrupted;
    auto execute = [&](const std::string& name, const std::string& args) {
        auto out = tools.call(name, args, limits);
        if (!out) return idx::agent::ToolOutcome{"error: " + out.error().message, true};
        return idx::agent::ToolOutcome{out->text, out->is_error};
    };
    idx::agent::AskCallbacks cb;
    cb.stream.on_text = [](std::string_view t) {
        std::fwrite(t.data(), 1, t.size(), stdout);
        std::fflush(stdout);
    };
    cb.stream.cancel = &g_interrupted;
    if (!quiet) {
        cb.on_tool_call = [](const idx::agent::ToolCall& c) {
            std::fprintf(stderr, "\n[tool] %s %s\n", c.name.c_str(), c.arguments_json.c_str());
        };
    }
    std::unique_ptr<idx::agent::LlmClient> client;
    if (anthropic) client = std::make_unique<idx::agent::AnthropicClient>(config);
    else client = std::make_unique<idx::agent::OpenAiClient>(config);
    auto r = idx::agent::run_ask(*client, o, execute, cb);
    std::fputc('\n', stdout);
    if (!r) {
        std::fprintf(stderr, "idx ask: %s\n", r.error().message.c_str());
        return g_interrupted.load() ? 130 : 2;
    }
    return 0;
}
