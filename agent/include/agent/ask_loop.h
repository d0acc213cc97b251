// run_ask(): the tool loop behind `idx ask`. It sends the question, runs every
// tool call of each reply in order through a ToolExecutor, sends the results
// back, and stops when a reply asks for no tools (its text is the answer) or
// after max_turns replies.
//
// The loop knows nothing about idx's tools: the caller passes their specs and
// an executor, so tests can drive it with a fake client and fake tools.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "agent/llm_client.h"
#include "common/expected.h"

namespace idx::agent {

struct ToolOutcome {
    std::string content;    // what the model reads: output, or why the tool failed
    bool is_error = false;  // unknown tool, bad arguments, failing search...
    int64_t elapsed_us = 0; // set by the loop: the call's wall time
};

// Runs one tool call. `args_json` is always a JSON object (calls whose
// arguments are not are answered by the loop itself). Failures are reported
// in the outcome, not thrown: the model sees them and may try again. The
// calls of one turn run concurrently (TBB): the executor must be
// thread-safe. Their results go back in the order of the calls.
using ToolExecutor = std::function<ToolOutcome(const std::string& name, const std::string& args_json)>;

struct AskOptions {
    std::string question;
    std::string model;
    int max_turns = 12;  // requests to the model, tool turns included
    int max_tokens = 4096;
    std::string system_prompt;
    std::vector<ToolSpec> tools;
    // A longer tool output is cut (at a UTF-8 boundary) with a note saying
    // so: one huge search result must not fill the model's context.
    size_t max_tool_result_bytes = size_t{100} << 10;
    // Transient failures of a turn (Error::retry_after_ms >= 0: 429, 5xx,
    // overloaded, a reset connection) are retried up to max_retries times,
    // after the server's Retry-After or else backoff_base * 2^attempt, with
    // +-25% jitter, capped at max_backoff.
    int max_retries = 4;
    std::chrono::milliseconds backoff_base{500};
    std::chrono::milliseconds max_backoff{30000};
};

struct AskCallbacks {
    StreamCallbacks stream;  // text deltas, cancel flag and deadline, for every turn
    std::function<void(const ToolCall&)> on_tool_call;                        // before it runs
    std::function<void(const ToolCall&, const ToolOutcome&)> on_tool_result;  // after it ran
    std::function<void(const Error&, int attempt, std::chrono::milliseconds delay)> on_retry;  // before waiting
};

// Where the time of one turn went (`idx ask --profile`).
struct TurnProfile {
    TurnTiming model;             // request building, the HTTP exchange, stream parsing
    int64_t tools_us = 0;         // the turn's tool calls, wall time (they run concurrently)
    std::vector<int64_t> tool_us; // each call
    int64_t loop_us = 0;          // the rest: bookkeeping, result capping
    int retries = 0;
};

struct AskResult {
    std::string answer;        // the text of the last reply
    std::string stop_reason;   // of the last reply (max_tokens/length: the answer is cut short)
    int turns = 0;             // replies received
    int tool_calls = 0;        // tool calls answered, including refused ones
    Usage usage;               // summed over the turns
    std::vector<Message> conversation;  // everything sent and received, for --verbose and debugging
    std::vector<TurnProfile> profile;   // one per turn
};

// The ErrorKind of run_ask's "max_turns reached" error.
inline constexpr ErrorKind kMaxTurnsReached = ErrorKind::kLimitExceeded;

// Errors: kInvalidArgument (empty question, max_turns < 1), kMaxTurnsReached
// (the reply of turn max_turns still asked for tools; those are not run),
// kIo "cancelled" when callbacks.stream.cancel is set between tool calls, and
// any error of client.turn().
Expected<AskResult> run_ask(LlmClient& client, const AskOptions& options, const ToolExecutor& execute,
                            const AskCallbacks& callbacks = {});

}  // namespace idx::agent
