// What AnthropicClient and OpenAiClient share: the SSE-over-HTTP driver, the
// mapping of HTTP errors, and JSON helpers over simdjson's DOM.
#pragma once

#include <simdjson.h>

#include <string>
#include <string_view>
#include <vector>

#include "agent/http_client.h"
#include "agent/llm_client.h"
#include "agent/sse_parser.h"
#include "common/expected.h"
#include "common/json_writer.h"

namespace idx::agent::detail {

TransferLimits limits_for(const LlmConfig& config, const StreamCallbacks& callbacks);

// `base` without trailing slashes, then `path` (which starts with '/').
std::string join_url(std::string_view base, std::string_view path);

struct SseOutcome {
    int64_t transfer_us = 0, parse_us = 0;  // the whole exchange; time inside the event callback
    HttpStatus status;
    size_t events = 0;  // SSE events dispatched
    std::string head;   // the first bytes of a 2xx body, for "not an event stream" messages
};

// POSTs `body` and feeds a 2xx reply to an SseParser that calls on_event
// (false from on_event stops the transfer: the caller records why). On a
// clean end the parser is finished (a trailing [DONE] is dispatched).
// Transport and SSE framing errors are returned; a non-2xx status is not.
Expected<SseOutcome> post_sse(HttpClient& http, const std::string& url, const std::vector<std::string>& headers,
                              const std::string& body, const TransferLimits& limits,
                              const SseParser::Callback& on_event);

// The error for a non-2xx reply, from the provider's JSON error body when
// there is one. `hint` is appended to 404 messages.
Error http_error(std::string_view provider, const std::string& url, const HttpStatus& status,
                 std::string_view hint = {});

// The checks after a 2xx stream that did not reach its end marker.
Error unfinished_stream(std::string_view provider, const SseOutcome& outcome, std::string_view marker);

// `s` cut to `max` bytes with control and non-ASCII bytes shown as '?'.
std::string printable(std::string_view s, size_t max = 200);

// Writes the JSON text `json` into `w` as a value (re-serialised: JsonWriter
// has no raw insertion, and this validates it). Integral doubles are written
// as integers; other doubles keep JsonWriter's 6 significant digits.
// Returns the parse error, or "" on success; with `require_object`, any
// other JSON value is an error too. `parser` is reused (its DOM is replaced).
std::string write_json_text(JsonWriter& w, simdjson::dom::parser& parser, std::string_view json,
                            bool require_object);

// Appends a tool call the stream has finished to `result`: arguments "{}"
// when none came, and arguments_error set unless they are a JSON object.
void add_tool_call(simdjson::dom::parser& parser, ToolCall call, TurnResult& result);

// Field access that treats a missing or mistyped field as absent.
std::string_view get_string(const simdjson::dom::object& o, std::string_view key);
uint64_t get_uint(const simdjson::dom::object& o, std::string_view key, uint64_t fallback = 0);
bool get_object(const simdjson::dom::object& o, std::string_view key, simdjson::dom::object& out);
bool get_array(const simdjson::dom::object& o, std::string_view key, simdjson::dom::array& out);

// "kind: message" from a provider error object {"type"|"code", "message"}.
std::string describe_error_object(const simdjson::dom::object& error);
// An error event inside a stream; transient types (overloaded, rate limit,
// server error) are marked retryable.
Error stream_error(std::string_view type, std::string message);
ErrorKind kind_for_error_type(std::string_view type);

}  // namespace idx::agent::detail
