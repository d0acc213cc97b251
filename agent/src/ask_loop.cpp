#include "agent/ask_loop.h"

#include <tbb/parallel_for.h>

#include <algorithm>
#include <random>
#include <thread>
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
    const auto us = [](Clock::duration d) { return std::chrono::duration_cast<std::chrono::microseconds>(d).count(); };
    std::mt19937 jitter(std::random_device{}());
    for (int turn = 1; turn <= options.max_turns; ++turn) {
        const auto turn_start = Clock::now();
        TurnProfile prof;
        Expected<TurnResult> reply = Error{ErrorKind::kInternal, "no attempt"};
        // A turn that already printed text is not retried: the text would
        // be printed twice.
        bool emitted = false;
        StreamCallbacks stream = callbacks.stream;
        if (callbacks.stream.on_text) {
            stream.on_text = [&](std::string_view t) {
                emitted = true;
                callbacks.stream.on_text(t);
            };
        }
        for (int attempt = 0;; ++attempt) {
            reply = client.turn(request, stream);
            if (reply || reply.error().retry_after_ms < 0 || attempt >= options.max_retries || cancelled(callbacks) ||
                emitted) {
                break;
            }
            auto delay = std::chrono::milliseconds(reply.error().retry_after_ms);
            if (delay.count() == 0) {
                const auto base = options.backoff_base * (int64_t{1} << std::min(attempt, 16));
                std::uniform_real_distribution<double> spread(0.75, 1.25);
                delay = std::chrono::milliseconds(static_cast<int64_t>(static_cast<double>(base.count()) * spread(jitter)));
            }
            delay = std::min(delay, options.max_backoff);
            if (Clock::now() + delay >= callbacks.stream.deadline) break;  // no time left for another try
            if (callbacks.on_retry) callbacks.on_retry(reply.error(), attempt + 1, delay);
            for (auto until = Clock::now() + delay; Clock::now() < until && !cancelled(callbacks);) {
                std::this_thread::sleep_for(std::min<Clock::duration>(until - Clock::now(), std::chrono::milliseconds(20)));
            }
            ++prof.retries;
        }
        if (!reply) return std::move(reply).error();
        prof.model = reply->timing;
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
            prof.loop_us = us(Clock::now() - turn_start) - prof.model.build_us - prof.model.transfer_us;
            result.profile.push_back(prof);
            return result;
        }
        if (turn == options.max_turns) break;

        if (cancelled(callbacks)) return Error{ErrorKind::kCancelled, "ask: cancelled"};
        const auto& calls = reply->tool_calls;
        for (const auto& call : calls) {
            if (callbacks.on_tool_call) callbacks.on_tool_call(call);
        }
        std::vector<ToolOutcome> outs(calls.size());
        const auto tools_start = Clock::now();
        tbb::parallel_for(size_t{0}, calls.size(), [&](size_t i) {
            const auto t0 = Clock::now();
            outs[i] = run_call(calls[i], execute, options.max_tool_result_bytes);
            outs[i].elapsed_us = us(Clock::now() - t0);
        });
        prof.tools_us = us(Clock::now() - tools_start);
        Message results{Role::kUser, {}};
        for (size_t i = 0; i < calls.size(); ++i) {
            if (callbacks.on_tool_result) callbacks.on_tool_result(calls[i], outs[i]);
            prof.tool_us.push_back(outs[i].elapsed_us);
            results.content.push_back(ContentBlock::tool_result(calls[i].id, std::move(outs[i].content), outs[i].is_error));
            ++result.tool_calls;
        }
        request.messages.push_back(std::move(results));
        prof.loop_us = us(Clock::now() - turn_start) - prof.model.build_us - prof.model.transfer_us - prof.tools_us;
        result.profile.push_back(prof);
        if (cancelled(callbacks)) return Error{ErrorKind::kCancelled, "ask: cancelled"};
    }
    return Error{kMaxTurnsReached, "ask: no answer after " + std::to_string(options.max_turns) +
                                       " turns: the model still asks for tools (raise the turn limit)"};
}

}  // namespace idx::agent
