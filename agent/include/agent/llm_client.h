// LlmClient: one streamed turn of a tool-using conversation with an LLM, in a
// provider-neutral model. AnthropicClient speaks the Messages API,
// OpenAiClient the chat-completions API (OpenAI, llama.cpp, Ollama).
//
// The conversation is a list of user and assistant messages made of blocks,
// in the shape of Anthropic's API: an assistant message may hold text and
// tool_use blocks; the next user message holds one tool_result block per
// tool_use (OpenAiClient sends those as role "tool" messages).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "agent/http_client.h"
#include "common/expected.h"

namespace idx::agent {

struct ContentBlock {
    enum class Type { kText, kToolUse, kToolResult };
    Type type = Type::kText;
    std::string text;        // kText: the text; kToolResult: the tool's output
    std::string id;          // kToolUse: the call id; kToolResult: the id it answers
    std::string name;        // kToolUse: the tool
    std::string input_json;  // kToolUse: the arguments as JSON text, exactly as received
    bool is_error = false;   // kToolResult: the tool failed (the text says why)

    static ContentBlock make_text(std::string text);
    static ContentBlock tool_use(std::string id, std::string name, std::string input_json);
    static ContentBlock tool_result(std::string tool_use_id, std::string content, bool is_error);
};

enum class Role { kUser, kAssistant };

struct Message {
    Role role = Role::kUser;
    std::vector<ContentBlock> content;
};

struct ToolSpec {
    std::string name;
    std::string description;
    std::string input_schema_json;  // a JSON Schema object, as JSON text
};

struct TurnRequest {
    std::string model;
    int max_tokens = 4096;
    std::string system;  // empty: none
    std::vector<Message> messages;
    std::vector<ToolSpec> tools;
};

struct ToolCall {
    std::string id;              // the provider's id (generated when a server sends none)
    std::string name;
    std::string arguments_json;  // as received, fragments joined; "{}" when none came
    // Non-empty when arguments_json is not a JSON object: the parse error.
    // The call must not be executed; the model is told this instead.
    std::string arguments_error;
};

struct Usage {
    uint64_t input_tokens = 0;
    uint64_t output_tokens = 0;
};

// Where a turn's time went, for `idx ask --profile`: building the request
// JSON, the whole HTTP exchange, and (inside it) parsing the stream (SSE
// framing, event JSON, the on_text callback). transfer - parse is time spent
// waiting on the network and the model.
struct TurnTiming {
    int64_t build_us = 0, transfer_us = 0, parse_us = 0;
};

struct TurnResult {
    std::string text;  // all text blocks of the reply, in order
    std::vector<ToolCall> tool_calls;
    // The provider's word: end_turn, tool_use, max_tokens, ... (Anthropic) or
    // stop, tool_calls, length, ... (OpenAI). May be empty (some servers).
    std::string stop_reason;
    Usage usage;
    TurnTiming timing;
};

// The assistant message that records `result` in the conversation.
Message assistant_message(const TurnResult& result);

// What the caller sees and controls while a turn streams.
struct StreamCallbacks {
    std::function<void(std::string_view)> on_text;  // each text delta, as it arrives
    const std::atomic<bool>* cancel = nullptr;      // true ends the turn with an error ("cancelled")
    std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
};

struct LlmConfig {
    // Anthropic: without /v1 (default https://api.anthropic.com).
    // OpenAI: with /v1 (default https://api.openai.com/v1), as the SDKs expect.
    std::string base_url;
    std::string api_key;  // empty: the auth header is not sent (local servers)
    std::chrono::milliseconds connect_timeout{15'000};
    std::chrono::milliseconds stall_timeout{120'000};  // nothing received for this long ends the turn
};

class LlmClient {
public:
    virtual ~LlmClient() = default;
    // One request and its streamed reply; text deltas reach callbacks.on_text
    // before this returns. Errors: kInvalidArgument (a tool schema that is not
    // a JSON object; HTTP 4xx but those below), kPermission (401, 403),
    // kNotFound (404), kIo (5xx, 429, network, stall, deadline, cancel, a
    // stream cut before its end marker, a mid-stream error event unless its
    // type says auth or bad request), kCorrupt (a reply that is not the
    // provider's event stream or holds invalid JSON).
    virtual Expected<TurnResult> turn(const TurnRequest& request, const StreamCallbacks& callbacks) = 0;
};

// POST {base_url}/v1/messages with x-api-key and anthropic-version 2023-06-01.
class AnthropicClient final : public LlmClient {
public:
    explicit AnthropicClient(LlmConfig config);
    Expected<TurnResult> turn(const TurnRequest& request, const StreamCallbacks& callbacks) override;

private:
    LlmConfig config_;
    HttpClient http_;
};

// POST {base_url}/chat/completions with "Authorization: Bearer".
class OpenAiClient final : public LlmClient {
public:
    explicit OpenAiClient(LlmConfig config);
    Expected<TurnResult> turn(const TurnRequest& request, const StreamCallbacks& callbacks) override;

private:
    LlmConfig config_;
    HttpClient http_;
};

// ReplayClient: the model's turns from a file instead of the network, for
// `idx ask --replay` (profiling and offline tests: the tools run for real).
// The file is the scripted LLM server's format, also what `idx ask --json`
// records: {"turns": [{"text": "...", "tool_calls": [{"name": "search",
// "input": {...}}]}, ...]} (or the bare list).
class ReplayClient final : public LlmClient {
public:
    static Expected<ReplayClient> load(const std::string& path);
    Expected<TurnResult> turn(const TurnRequest& request, const StreamCallbacks& callbacks) override;

private:
    std::vector<TurnResult> turns_;
    size_t next_ = 0;
};

}  // namespace idx::agent
