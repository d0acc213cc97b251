#include "agent/ask_loop.h"

#include <utility>

namespace idx::agent {
namespace {

// `s` cut to at most `max` bytes without splitting a UTF-8 sequence, with a
// note for the model.
std::string cap_output(std::string s, size_t max) {
    if (s.size() <= max) return s;
    const size_t total = s.size();
    size_t cut = max;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
    s.resize(cut);
    s += "\n[output truncated: " + std::to_string(cut) + " of " + std::to_string(total) +
         " bytes shown; narrow the request]";
    return s;
}

bool cancelled(const AskCallbacks& callbacks) {
    return callbacks.stream.cancel != nullptr && callbacks.stream.cancel->load(std::memory_order_relaxed);
}

ToolOutcome run_call(const ToolCall& call, const ToolExecutor& execute, size_t max_bytes) {
    if (!call.arguments_error.empty()) {
        return {"error: tool " + call.name + " was not run: " + call.arguments_error +
                    ". Call it again with a JSON object as its arguments.",
                true};
    }
    ToolOutcome out = execute(call.name, call.arguments_json);
    out.content = cap_output(std::move(out.content), max_bytes);
    return out;
}

}  // namespace

Expected<AskResult> run_ask(LlmClient& client, const AskOptions& options, const ToolExecutor& execute,
                            const AskCallbacks& callbacks) {
    if (options.question.empty()) return Error::invalid("ask: the question is empty");
    if (options.max_turns < 1) return Error::invalid("ask: max_turns must be at least 1");

    TurnRequest request;
    request.model = options.model;
    request.max_tokens = options.max_tokens;
    request.system = options.system_prompt;
    request.tools = options.tools;
    request.messages.push_back(Message{Role::kUser, {ContentBlock::make_text(options.question)}});

    AskResult result;
    for (int turn = 1; turn <= options.max_turns; ++turn) {
        auto reply = client.turn(request, callbacks.stream);
        if (!reply) return std::move(reply).error();
        result.turns = turn;
        result.usage.input_tokens += reply->usage.input_tokens;
        result.usage.output_tokens += reply->usage.output_tokens;
        result.stop_reason = reply->stop_reason;
        request.messages.push_back(assistant_message(*reply));

        // Tool calls decide, not stop_reason: some servers report "stop"
        // with calls in the reply.
        if (reply->tool_calls.empty()) {
            result.answer = std::move(reply->text);
            result.conversation = std::move(request.messages);
            return result;
        }
        if (turn == options.max_turns) break;

        Message results{Role::kUser, {}};
        for (const auto& call : reply->tool_calls) {
            if (cancelled(callbacks)) return Error::io("ask: cancelled");
            if (callbacks.on_tool_call) callbacks.on_tool_call(call);
            ToolOutcome out = run_call(call, execute, options.max_tool_result_bytes);
            if (callbacks.on_tool_result) callbacks.on_tool_result(call, out);
            results.content.push_back(ContentBlock::tool_result(call.id, std::move(out.content), out.is_error));
            ++result.tool_calls;
        }
        request.messages.push_back(std::move(results));
    }
    return Error{kMaxTurnsReached, "ask: no answer after " + std::to_string(options.max_turns) +
                                       " turns: the model still asks for tools (raise the turn limit)"};
}

}  // namespace idx::agent
