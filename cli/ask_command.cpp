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
#include "parse_args.h"
#include "common/json_writer.h"

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

double ms(int64_t us) { return static_cast<double>(us) / 1000.0; }

// Per turn: model wait (the HTTP exchange minus parsing), then everything
// that is idx's own time: request building, stream parsing, tools, the loop.
void print_profile(const std::vector<idx::agent::TurnProfile>& turns) {
    std::fprintf(stderr, "turn  model wait ms  build ms  parse ms  tools ms  loop ms  non-LLM ms  retries\n");
    int64_t total_non_llm = 0;
    for (size_t i = 0; i < turns.size(); ++i) {
        const auto& t = turns[i];
        const int64_t wait = t.model.transfer_us - t.model.parse_us;
        const int64_t non_llm = t.model.build_us + t.model.parse_us + t.tools_us + std::max<int64_t>(0, t.loop_us);
        total_non_llm += non_llm;
        std::fprintf(stderr, "%4zu  %13.1f  %8.2f  %8.2f  %8.2f  %7.2f  %10.2f  %7d\n", i + 1, ms(wait), ms(t.model.build_us),
                     ms(t.model.parse_us), ms(t.tools_us), ms(std::max<int64_t>(0, t.loop_us)), ms(non_llm), t.retries);
        for (size_t k = 0; k < t.tool_us.size(); ++k) std::fprintf(stderr, "        tool %zu: %.2f ms\n", k + 1, ms(t.tool_us[k]));
    }
    std::fprintf(stderr, "non-LLM time: %.2f ms over %zu turns (%.2f ms per turn)\n", ms(total_non_llm), turns.size(),
                 turns.empty() ? 0.0 : ms(total_non_llm) / static_cast<double>(turns.size()));
}

// The transcript: the turns in --replay's format, with each tool call's
// result and time added. No API key is ever part of it.
void print_transcript(const std::string& question, const std::string& model, const std::string& provider,
                      const idx::agent::AskResult& r,
                      const std::vector<std::pair<idx::agent::ToolCall, idx::agent::ToolOutcome>>& calls) {
    idx::JsonWriter j;
    j.begin_object().field("question", question).field("model", model).field("provider", provider);
    j.field("answer", r.answer).field("stop_reason", r.stop_reason);
    j.key("usage").begin_object().field("input_tokens", r.usage.input_tokens);
    j.field("output_tokens", r.usage.output_tokens).end_object();
    j.key("turns").begin_array();
    size_t next_call = 0;
    for (const auto& m : r.conversation) {
        if (m.role != idx::agent::Role::kAssistant) continue;
        j.begin_object();
        std::string text;
        for (const auto& b : m.content) {
            if (b.type == idx::agent::ContentBlock::Type::kText) text += b.text;
        }
        j.field("text", text).key("tool_calls").begin_array();
        for (const auto& b : m.content) {
            if (b.type != idx::agent::ContentBlock::Type::kToolUse) continue;
            j.begin_object().field("id", b.id).field("name", b.name);
            const bool matched = next_call < calls.size() && calls[next_call].first.id == b.id;
            // Arguments that were not a JSON object go in as a string.
            if (matched && calls[next_call].first.arguments_error.empty()) {
                j.key("input").raw(b.input_json.empty() ? "{}" : b.input_json);
            } else {
                j.field("input_text", b.input_json);
            }
            if (matched) {
                const auto& out = calls[next_call++].second;
                j.field("result", out.content).field("is_error", out.is_error).field("ms", ms(out.elapsed_us));
            }
            j.end_object();
        }
        j.end_array().end_object();
    }
    j.end_array().end_object();
    std::printf("%s\n", j.str().c_str());
}

}  // namespace

extern "C" __attribute__((visibility("default"))) int idx_ask_main(int argc, char** argv) {
    CLI::App app("idx ask: answer a question about this repository with an LLM and idx's tools", "idx");
    auto* ask = app.add_subcommand("ask", "Answer a question about the repository with an LLM and idx's tools");
    std::string question, provider, model, base_url;
    int max_turns = 12, max_tokens = 4096, retries = 4;
    unsigned deadline_ms = 10000, timeout_s = 600;
    bool quiet = false, json = false, profile = false;
    std::string replay;
    ask->add_option("QUESTION", question, "The question")->required();
    ask->add_option("--provider", provider, "anthropic or openai (default: whichever API key is set)")
        ->check(CLI::IsMember({"anthropic", "openai"}));
    ask->add_option("--model", model, "The model (default: $IDX_MODEL, else the provider's default)");
    ask->add_option("--max-turns", max_turns, "Requests to the model at most (default 12)")->check(CLI::Range(1, 200));
    ask->add_option("--max-tokens", max_tokens, "Tokens per reply at most (default 4096)")->check(CLI::Range(16, 200000));
    ask->add_option("--deadline-ms", deadline_ms, "Each tool call's deadline (default 10000)")->check(CLI::Range(1u, 3'600'000u));
    ask->add_option("--retries", retries, "Retries of a turn that failed transiently: 429, 5xx, overloaded, a reset "
                                          "connection (default 4)")
        ->check(CLI::Range(0, 20));
    ask->add_option("--timeout", timeout_s, "Give up after this many seconds in all (default 600)")->check(CLI::Range(1u, 86400u));
    ask->add_flag("-q,--quiet", quiet, "Do not show tool calls on stderr");
    ask->add_flag("--json", json, "Write the transcript as JSON to stdout instead of streaming the answer "
                                  "(its turns can be replayed with --replay)");
    ask->add_flag("--profile", profile, "Print where each turn's time went (model wait, tools, JSON) to stderr");
    ask->add_option("--replay", replay, "Take the model's turns from FILE instead of an LLM (no network); the tools "
                                        "run for real");
    app.require_subcommand(1, 1);
    if (auto done = idx::cli::parse_args(app, argc, argv)) return *done;
    if (question.find_first_not_of(" \t\r\n") == std::string::npos) {
        std::fprintf(stderr, "idx ask: the question is empty\n");
        return 2;
    }
    if (!replay.empty()) provider = "replay";
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
    if (cloud && config.api_key.empty() && replay.empty()) {
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
    o.max_retries = retries;
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
    if (!json) {
        cb.stream.on_text = [](std::string_view t) {
            std::fwrite(t.data(), 1, t.size(), stdout);
            std::fflush(stdout);
        };
    }
    cb.stream.cancel = &g_interrupted;
    cb.stream.deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
    std::vector<std::pair<idx::agent::ToolCall, idx::agent::ToolOutcome>> calls;  // for --json
    cb.on_tool_result = [&](const idx::agent::ToolCall& c, const idx::agent::ToolOutcome& out) {
        if (!quiet) {
            std::string args = c.arguments_json.size() > 200 ? c.arguments_json.substr(0, 200) + "..." : c.arguments_json;
            std::fprintf(stderr, "[tool] %s %s: %.1f ms%s\n", c.name.c_str(), args.c_str(),
                         static_cast<double>(out.elapsed_us) / 1000.0, out.is_error ? " (error)" : "");
        }
        calls.emplace_back(c, out);
    };
    cb.on_retry = [&](const idx::Error& e, int attempt, std::chrono::milliseconds delay) {
        if (!quiet) {
            std::fprintf(stderr, "[retry %d in %.1f s] %s\n", attempt, static_cast<double>(delay.count()) / 1000.0,
                         e.message.c_str());
        }
    };
    std::unique_ptr<idx::agent::LlmClient> client;
    if (!replay.empty()) {
        auto rc = idx::agent::ReplayClient::load(replay);
        if (!rc) {
            std::fprintf(stderr, "idx ask: %s\n", rc.error().message.c_str());
            return 2;
        }
        client = std::make_unique<idx::agent::ReplayClient>(std::move(*rc));
    } else if (anthropic) {
        client = std::make_unique<idx::agent::AnthropicClient>(config);
    } else {
        client = std::make_unique<idx::agent::OpenAiClient>(config);
    }
    auto r = idx::agent::run_ask(*client, o, execute, cb);
    if (!json) std::fputc('\n', stdout);
    if (r && profile) print_profile(r->profile);
    if (r && json) print_transcript(question, model, provider, *r, calls);
    if (!r) {
        std::fprintf(stderr, "idx ask: %s\n", r.error().message.c_str());
        return g_interrupted.load() ? 130 : 2;
    }
    return 0;
}
