// AnthropicClient: the Messages API, streamed (docs.anthropic.com, "Streaming
// Messages"). A reply is message_start, then per content block
// content_block_start / _delta* / _stop, then message_delta(s) and
// message_stop; ping and unknown events may come anywhere and are ignored.
#include <map>
#include <optional>
#include <utility>

#include "agent/llm_client.h"
#include "llm_common.h"

namespace idx::agent {
namespace {

constexpr std::string_view kProvider = "anthropic";
constexpr std::string_view kDefaultBase = "https://api.anthropic.com";

void write_block(JsonWriter& w, simdjson::dom::parser& parser, const ContentBlock& b) {
    switch (b.type) {
        case ContentBlock::Type::kText:
            w.begin_object().field("type", "text").field("text", b.text).end_object();
            break;
        case ContentBlock::Type::kToolUse:
            w.begin_object().field("type", "tool_use").field("id", b.id).field("name", b.name);
            w.key("input");
            // The API wants an object here; arguments the model garbled are
            // echoed as {} (its tool_result says what was wrong with them).
            if (!detail::write_json_text(w, parser, b.input_json, true).empty()) w.begin_object().end_object();
            w.end_object();
            break;
        case ContentBlock::Type::kToolResult:
            w.begin_object().field("type", "tool_result").field("tool_use_id", b.id).field("content", b.text);
            w.field("is_error", b.is_error).end_object();
            break;
    }
}

Expected<std::string> build_request(const TurnRequest& req) {
    JsonWriter w;
    simdjson::dom::parser parser;
    w.begin_object().field("model", req.model).field("max_tokens", req.max_tokens).field("stream", true);
    if (!req.system.empty()) w.field("system", req.system);
    if (!req.tools.empty()) {
        w.key("tools").begin_array();
        for (const auto& t : req.tools) {
            w.begin_object().field("name", t.name);
            if (!t.description.empty()) w.field("description", t.description);
            w.key("input_schema");
            if (auto err = detail::write_json_text(w, parser, t.input_schema_json, true); !err.empty()) {
                return Error::invalid("tool " + t.name + ": input_schema is not a JSON object: " + err);
            }
            w.end_object();
        }
        w.end_array();
    }
    w.key("messages").begin_array();
    for (const auto& m : req.messages) {
        w.begin_object().field("role", m.role == Role::kUser ? "user" : "assistant");
        w.key("content").begin_array();
        // tool_result blocks must open a user message; empty text blocks are
        // rejected by the API.
        for (const auto& b : m.content) {
            if (b.type == ContentBlock::Type::kToolResult) write_block(w, parser, b);
        }
        for (const auto& b : m.content) {
            if (b.type == ContentBlock::Type::kToolResult) continue;
            if (b.type == ContentBlock::Type::kText && b.text.empty()) continue;
            write_block(w, parser, b);
        }
        w.end_array().end_object();
    }
    w.end_array().end_object();
    return w.take();
}

// One content block of the reply as it streams in.
struct Block {
    bool is_tool = false;
    std::string text;  // text blocks
    std::string id, name, json;  // tool_use blocks: json is the joined partial_json
};

class StreamState {
public:
    explicit StreamState(const StreamCallbacks& callbacks) : callbacks_(callbacks) {}

    // Handles one SSE event; false stops the stream (error() says why).
    bool on_event(const SseEvent& ev) {
        if (!ev.error.empty()) return fail(Error::io("anthropic: stream error: " + detail::printable(ev.error)));
        if (ev.data.empty()) return true;
        simdjson::dom::object o;
        if (parser_.parse(ev.data.data(), ev.data.size()).get_object().get(o) != simdjson::SUCCESS) {
            return fail(Error{ErrorKind::kCorrupt, "anthropic: an event's data is not a JSON object: " +
                                                       detail::printable(ev.data)});
        }
        std::string_view name = ev.event;
        if (name.empty() || name == "message") name = detail::get_string(o, "type");
        if (name == "error") {
            simdjson::dom::object err;
            if (!detail::get_object(o, "error", err)) {
                return fail(Error::io("anthropic: stream error: " + detail::printable(ev.data)));
            }
            return fail(detail::stream_error(detail::get_string(err, "type"),
                                             "anthropic: stream error: " + detail::describe_error_object(err)));
        }
        if (name == "message_start") {
            simdjson::dom::object msg, usage;
            if (detail::get_object(o, "message", msg) && detail::get_object(msg, "usage", usage)) read_usage(usage);
        } else if (name == "content_block_start") {
            on_block_start(o);
        } else if (name == "content_block_delta") {
            on_block_delta(o);
        } else if (name == "message_delta") {
            simdjson::dom::object delta, usage;
            if (detail::get_object(o, "delta", delta)) {
                if (auto reason = detail::get_string(delta, "stop_reason"); !reason.empty()) {
                    result_.stop_reason = reason;
                }
            }
            if (detail::get_object(o, "usage", usage)) read_usage(usage);
        } else if (name == "message_stop") {
            done_ = true;
        }
        return true;  // ping, content_block_stop and unknown events carry nothing we need
    }

    const std::optional<Error>& error() const { return error_; }
    bool done() const { return done_; }

    TurnResult take_result() {
        for (auto& [index, block] : blocks_) {
            if (!block.is_tool) {
                result_.text += block.text;
                continue;
            }
            ToolCall call;
            call.id = std::move(block.id);
            call.name = std::move(block.name);
            call.arguments_json = std::move(block.json);  // no fragments: no input, "{}"
            detail::add_tool_call(parser_, std::move(call), result_);
        }
        return std::move(result_);
    }

private:
    bool fail(Error e) {
        error_ = std::move(e);
        return false;
    }

    void read_usage(const simdjson::dom::object& usage) {
        result_.usage.input_tokens = detail::get_uint(usage, "input_tokens", result_.usage.input_tokens);
        result_.usage.output_tokens = detail::get_uint(usage, "output_tokens", result_.usage.output_tokens);
    }

    void on_block_start(const simdjson::dom::object& o) {
        simdjson::dom::object cb;
        uint64_t index = 0;
        if (o.at_key("index").get_uint64().get(index) != simdjson::SUCCESS || !detail::get_object(o, "content_block", cb)) {
            return;
        }
        const std::string_view type = detail::get_string(cb, "type");
        Block b;
        if (type == "text") {
            b.text = detail::get_string(cb, "text");
            if (!b.text.empty() && callbacks_.on_text) callbacks_.on_text(b.text);
        } else if (type == "tool_use") {
            b.is_tool = true;
            b.id = detail::get_string(cb, "id");
            b.name = detail::get_string(cb, "name");
        } else {
            return;  // thinking, server tools and future block types are not part of the answer
        }
        blocks_[index] = std::move(b);
    }

    void on_block_delta(const simdjson::dom::object& o) {
        simdjson::dom::object delta;
        uint64_t index = 0;
        if (o.at_key("index").get_uint64().get(index) != simdjson::SUCCESS || !detail::get_object(o, "delta", delta)) {
            return;
        }
        auto it = blocks_.find(index);
        if (it == blocks_.end()) return;
        const std::string_view type = detail::get_string(delta, "type");
        if (type == "text_delta" && !it->second.is_tool) {
            const std::string_view text = detail::get_string(delta, "text");
            it->second.text += text;
            if (!text.empty() && callbacks_.on_text) callbacks_.on_text(text);
        } else if (type == "input_json_delta" && it->second.is_tool) {
            it->second.json += detail::get_string(delta, "partial_json");
        }
    }

    const StreamCallbacks& callbacks_;
    simdjson::dom::parser parser_;
    std::map<uint64_t, Block> blocks_;  // by index, which is the block's place in the reply
    TurnResult result_;
    std::optional<Error> error_;
    bool done_ = false;
};

}  // namespace

AnthropicClient::AnthropicClient(LlmConfig config) : config_(std::move(config)) {
    if (config_.base_url.empty()) config_.base_url = kDefaultBase;
}

Expected<TurnResult> AnthropicClient::turn(const TurnRequest& request, const StreamCallbacks& callbacks) {
    const auto start = std::chrono::steady_clock::now();
    auto body = build_request(request);
    if (!body) return std::move(body).error();
    const auto build_us =
        std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start).count();
    const std::string url = detail::join_url(config_.base_url, "/v1/messages");
    std::vector<std::string> headers = {"content-type: application/json", "accept: text/event-stream",
                                        "anthropic-version: 2023-06-01"};
    if (!config_.api_key.empty()) headers.push_back("x-api-key: " + config_.api_key);

    StreamState state(callbacks);
    auto out = detail::post_sse(http_, url, headers, *body, detail::limits_for(config_, callbacks),
                                [&state](const SseEvent& ev) { return state.on_event(ev); });
    if (state.error()) return *state.error();
    if (!out) return std::move(out).error();
    if (!out->status.ok()) return detail::http_error(kProvider, url, out->status);
    if (!state.done()) return detail::unfinished_stream(kProvider, *out, "message_stop");
    TurnResult result = state.take_result();
    result.timing = TurnTiming{build_us, out->transfer_us, out->parse_us};
    return result;
}

}  // namespace idx::agent
