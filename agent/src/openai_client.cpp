// OpenAiClient: chat completions, streamed, as OpenAI, llama.cpp's
// llama-server and Ollama's /v1 serve them. A reply is `data: {chunk}` events
// ending with `data: [DONE]`; tool calls arrive as fragments keyed by index,
// their arguments a JSON string that accretes.
//
// Quirks handled (see /tmp/research/llm.md, section 2): Ollama sends whole
// calls in one chunk, sometimes without `index` or with index 0 on every
// parallel call (a new id at a used index starts a new call); llama.cpp sends
// mid-stream errors as a non-standard `error:` SSE field and may close right
// after [DONE]; `choices` may be empty (the usage chunk) and `content` null.
#include <map>
#include <optional>
#include <utility>

#include "agent/llm_client.h"
#include "llm_common.h"

namespace idx::agent {
namespace {

constexpr std::string_view kProvider = "openai";
constexpr std::string_view kDefaultBase = "https://api.openai.com/v1";

void write_messages(JsonWriter& w, const TurnRequest& req) {
    w.key("messages").begin_array();
    if (!req.system.empty()) w.begin_object().field("role", "system").field("content", req.system).end_object();
    for (const auto& m : req.messages) {
        std::string text;
        for (const auto& b : m.content) {
            if (b.type == ContentBlock::Type::kText) text += b.text;
        }
        if (m.role == Role::kUser) {
            // Tool results are messages of their own; there is no is_error
            // flag, so a failure says so in its content.
            for (const auto& b : m.content) {
                if (b.type != ContentBlock::Type::kToolResult) continue;
                w.begin_object().field("role", "tool").field("tool_call_id", b.id);
                w.field("content", b.is_error ? "error: " + b.text : b.text).end_object();
            }
            if (!text.empty()) w.begin_object().field("role", "user").field("content", text).end_object();
            continue;
        }
        w.begin_object().field("role", "assistant");
        bool has_calls = false;
        for (const auto& b : m.content) has_calls = has_calls || b.type == ContentBlock::Type::kToolUse;
        if (text.empty() && has_calls) {
            w.key("content").null();
        } else {
            w.field("content", text);
        }
        if (has_calls) {
            w.key("tool_calls").begin_array();
            for (const auto& b : m.content) {
                if (b.type != ContentBlock::Type::kToolUse) continue;
                w.begin_object().field("id", b.id).field("type", "function");
                w.key("function").begin_object().field("name", b.name).field("arguments", b.input_json);
                w.end_object().end_object();
            }
            w.end_array();
        }
        w.end_object();
    }
    w.end_array();
}

Expected<std::string> build_request(const TurnRequest& req) {
    JsonWriter w;
    simdjson::dom::parser parser;
    w.begin_object().field("model", req.model).field("max_tokens", req.max_tokens).field("stream", true);
    w.key("stream_options").begin_object().field("include_usage", true).end_object();
    write_messages(w, req);
    if (!req.tools.empty()) {
        w.key("tools").begin_array();
        for (const auto& t : req.tools) {
            w.begin_object().field("type", "function").key("function").begin_object().field("name", t.name);
            if (!t.description.empty()) w.field("description", t.description);
            w.key("parameters");
            if (auto err = detail::write_json_text(w, parser, t.input_schema_json, true); !err.empty()) {
                return Error::invalid("tool " + t.name + ": input_schema is not a JSON object: " + err);
            }
            w.end_object().end_object();
        }
        w.end_array();
    }
    w.end_object();
    return w.take();
}

class StreamState {
public:
    explicit StreamState(const StreamCallbacks& callbacks) : callbacks_(callbacks) {}

    // Handles one SSE event; false stops the stream (error() says why).
    bool on_event(const SseEvent& ev) {
        if (!ev.error.empty()) return fail_with_payload(ev.error);
        if (ev.event == "error") return fail_with_payload(ev.data);
        if (ev.data == "[DONE]") {
            done_ = true;
            return true;
        }
        if (ev.data.empty()) return true;
        simdjson::dom::object o;
        if (parser_.parse(ev.data.data(), ev.data.size()).get_object().get(o) != simdjson::SUCCESS) {
            return fail(Error{ErrorKind::kCorrupt, "openai: an event's data is not a JSON object: " +
                                                       detail::printable(ev.data)});
        }
        if (simdjson::dom::element e; o.at_key("error").get(e) == simdjson::SUCCESS && !e.is_null()) {
            return fail(error_from(o));
        }
        simdjson::dom::object usage;
        if (detail::get_object(o, "usage", usage)) {
            result_.usage.input_tokens = detail::get_uint(usage, "prompt_tokens", result_.usage.input_tokens);
            result_.usage.output_tokens = detail::get_uint(usage, "completion_tokens", result_.usage.output_tokens);
        }
        simdjson::dom::array choices;
        if (!detail::get_array(o, "choices", choices)) return true;
        for (simdjson::dom::element c : choices) {
            simdjson::dom::object choice, delta;
            if (c.get_object().get(choice) != simdjson::SUCCESS) continue;
            if (detail::get_uint(choice, "index", 0) != 0) continue;  // we ask for one choice (n = 1)
            if (auto reason = detail::get_string(choice, "finish_reason"); !reason.empty()) {
                result_.stop_reason = reason;
                finished_ = true;
            }
            if (!detail::get_object(choice, "delta", delta)) continue;
            if (auto text = detail::get_string(delta, "content"); !text.empty()) {
                result_.text += text;
                if (callbacks_.on_text) callbacks_.on_text(text);
            }
            simdjson::dom::array calls;
            if (detail::get_array(delta, "tool_calls", calls)) on_tool_calls(calls);
        }
        return true;
    }

    const std::optional<Error>& error() const { return error_; }
    // [DONE], or a finish_reason followed by a clean end of the body.
    bool complete() const { return done_ || finished_; }

    TurnResult take_result() {
        for (size_t i = 0; i < calls_.size(); ++i) {
            ToolCall& call = calls_[i];
            if (call.id.empty()) call.id = "call_idx_" + std::to_string(i);
            detail::add_tool_call(parser_, std::move(call), result_);
        }
        return std::move(result_);
    }

private:
    bool fail(Error e) {
        error_ = std::move(e);
        return false;
    }

    Error error_from(const simdjson::dom::object& o) {
        simdjson::dom::object err;
        if (detail::get_object(o, "error", err)) {
            const std::string_view type = detail::get_string(err, "type");
            return detail::stream_error(type, "openai: stream error: " + detail::describe_error_object(err));
        }
        if (auto text = detail::get_string(o, "error"); !text.empty()) {
            return Error::io("openai: stream error: " + detail::printable(text));
        }
        return Error::io("openai: stream error: " + detail::printable(simdjson::to_string(o)));
    }

    bool fail_with_payload(const std::string& payload) {
        simdjson::dom::object o;
        if (parser_.parse(payload.data(), payload.size()).get_object().get(o) == simdjson::SUCCESS) {
            if (o.at_key("error").error() == simdjson::SUCCESS) return fail(error_from(o));
            if (auto message = detail::get_string(o, "message"); !message.empty()) {
                return fail(Error::io("openai: stream error: " + detail::describe_error_object(o)));
            }
        }
        return fail(Error::io("openai: stream error: " + detail::printable(payload)));
    }

    void on_tool_calls(const simdjson::dom::array& fragments) {
        int64_t position = 0;
        for (simdjson::dom::element f : fragments) {
            simdjson::dom::object frag;
            if (f.get_object().get(frag) != simdjson::SUCCESS) continue;
            int64_t index = 0;
            if (frag.at_key("index").get_int64().get(index) != simdjson::SUCCESS) index = position;  // old Ollama
            ++position;
            const std::string_view id = detail::get_string(frag, "id");
            std::string_view name;
            std::string args;
            simdjson::dom::object fn;
            if (detail::get_object(frag, "function", fn)) {
                name = detail::get_string(fn, "name");
                simdjson::dom::element a;
                if (fn.at_key("arguments").get(a) == simdjson::SUCCESS) {
                    // A string per the API; some servers send the object itself.
                    args = a.is_string() ? std::string(std::string_view(a)) : simdjson::to_string(a);
                }
            }
            auto it = by_index_.find(index);
            const bool fresh = it == by_index_.end() ||
                               (!id.empty() && !calls_[it->second].id.empty() && calls_[it->second].id != id);
            if (fresh) {
                calls_.emplace_back();
                it = by_index_.insert_or_assign(index, calls_.size() - 1).first;
            }
            ToolCall& call = calls_[it->second];
            if (call.id.empty()) call.id = id;
            if (call.name.empty()) call.name = name;
            call.arguments_json += args;
        }
    }

    const StreamCallbacks& callbacks_;
    simdjson::dom::parser parser_;
    std::vector<ToolCall> calls_;           // in the order they began
    std::map<int64_t, size_t> by_index_;    // fragment index -> the latest call at that index
    TurnResult result_;
    std::optional<Error> error_;
    bool done_ = false, finished_ = false;
};

}  // namespace

OpenAiClient::OpenAiClient(LlmConfig config) : config_(std::move(config)) {
    if (config_.base_url.empty()) config_.base_url = kDefaultBase;
}

Expected<TurnResult> OpenAiClient::turn(const TurnRequest& request, const StreamCallbacks& callbacks) {
    const auto start = std::chrono::steady_clock::now();
    auto body = build_request(request);
    if (!body) return std::move(body).error();
    const auto build_us =
        std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start).count();
    const std::string url = detail::join_url(config_.base_url, "/chat/completions");
    std::vector<std::string> headers = {"Content-Type: application/json", "Accept: text/event-stream"};
    if (!config_.api_key.empty()) headers.push_back("Authorization: Bearer " + config_.api_key);

    StreamState state(callbacks);
    auto out = detail::post_sse(http_, url, headers, *body, detail::limits_for(config_, callbacks),
                                [&state](const SseEvent& ev) { return state.on_event(ev); });
    if (state.error()) return *state.error();
    if (!out) return std::move(out).error();
    if (!out->status.ok()) {
        return detail::http_error(kProvider, url, out->status,
                                  "OpenAI-compatible base URLs usually end in /v1, e.g. http://localhost:11434/v1");
    }
    if (!state.complete()) return detail::unfinished_stream(kProvider, *out, "data: [DONE]");
    TurnResult result = state.take_result();
    result.timing = TurnTiming{build_us, out->transfer_us, out->parse_us};
    return result;
}

}  // namespace idx::agent
