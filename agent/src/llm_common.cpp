#include "llm_common.h"

#include <cmath>
#include <utility>

namespace idx::agent {

ContentBlock ContentBlock::make_text(std::string text) {
    ContentBlock b;
    b.type = Type::kText;
    b.text = std::move(text);
    return b;
}

ContentBlock ContentBlock::tool_use(std::string id, std::string name, std::string input_json) {
    ContentBlock b;
    b.type = Type::kToolUse;
    b.id = std::move(id);
    b.name = std::move(name);
    b.input_json = std::move(input_json);
    return b;
}

ContentBlock ContentBlock::tool_result(std::string tool_use_id, std::string content, bool is_error) {
    ContentBlock b;
    b.type = Type::kToolResult;
    b.id = std::move(tool_use_id);
    b.text = std::move(content);
    b.is_error = is_error;
    return b;
}

Message assistant_message(const TurnResult& result) {
    Message m;
    m.role = Role::kAssistant;
    if (!result.text.empty()) m.content.push_back(ContentBlock::make_text(result.text));
    for (const auto& call : result.tool_calls) {
        m.content.push_back(ContentBlock::tool_use(call.id, call.name, call.arguments_json));
    }
    return m;
}

namespace detail {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

void copy_element(JsonWriter& w, element e) {
    switch (e.type()) {
        case element_type::OBJECT:
            w.begin_object();
            for (auto field : simdjson::dom::object(e)) {
                w.key(field.key);
                copy_element(w, field.value);
            }
            w.end_object();
            break;
        case element_type::ARRAY:
            w.begin_array();
            for (element item : simdjson::dom::array(e)) copy_element(w, item);
            w.end_array();
            break;
        case element_type::INT64: w.value(int64_t(e)); break;
        case element_type::UINT64: w.value(uint64_t(e)); break;
        case element_type::DOUBLE: {
            const double d = double(e);
            if (std::trunc(d) == d && std::fabs(d) < 9.0e15) {
                w.value(static_cast<int64_t>(d));
            } else {
                w.value(d);
            }
            break;
        }
        case element_type::STRING: w.value(std::string_view(e)); break;
        case element_type::BOOL: w.value(bool(e)); break;
        case element_type::NULL_VALUE: w.null(); break;
    }
}

}  // namespace

TransferLimits limits_for(const LlmConfig& config, const StreamCallbacks& callbacks) {
    TransferLimits l;
    l.connect_timeout = config.connect_timeout;
    l.stall_timeout = config.stall_timeout;
    l.deadline = callbacks.deadline;
    l.cancel = callbacks.cancel;
    return l;
}

std::string join_url(std::string_view base, std::string_view path) {
    while (!base.empty() && base.back() == '/') base.remove_suffix(1);
    std::string url(base);
    url += path;
    return url;
}

Expected<SseOutcome> post_sse(HttpClient& http, const std::string& url, const std::vector<std::string>& headers,
                              const std::string& body, const TransferLimits& limits,
                              const SseParser::Callback& on_event) {
    SseOutcome out;
    SseParser parser(on_event);
    Expected<void> framing;
    const auto us = [](Clock::duration d) { return std::chrono::duration_cast<std::chrono::microseconds>(d).count(); };
    // A hostile or looping server could stream small deltas for as long as
    // the turn may last: a reply's total size is capped, not only each event.
    constexpr size_t kMaxReplyBytes = size_t{64} << 20;
    size_t received = 0;
    const ByteSink sink = [&](std::string_view bytes) {
        const auto t0 = Clock::now();
        received += bytes.size();
        if (received > kMaxReplyBytes) {
            framing = Error{ErrorKind::kCorrupt, "the model's reply is larger than 64 MiB; giving up on it"};
            return false;
        }
        if (out.head.size() < 256) out.head.append(bytes.substr(0, 256 - out.head.size()));
        if (auto fed = parser.feed(bytes); !fed) {
            framing = fed.error();
            return false;
        }
        out.parse_us += us(Clock::now() - t0);
        return !parser.stopped();
    };
    const auto start = Clock::now();
    auto status = http.post_stream(url, headers, body, sink, limits);
    out.transfer_us = us(Clock::now() - start);
    out.events = parser.events();
    if (!framing) return framing.error();
    if (!status) return std::move(status).error();
    out.status = std::move(status).value();
    if (out.status.ok() && !out.status.stopped) {
        if (auto done = parser.finish(); !done) return done.error();
        out.events = parser.events();
    }
    return out;
}

std::string printable(std::string_view s, size_t max) {
    std::string out;
    for (size_t i = 0; i < s.size() && out.size() < max; ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        out += (c == '\n' || c == '\r' || c == '\t') ? ' ' : (c < 0x20 || c >= 0x7f) ? '?' : static_cast<char>(c);
    }
    if (s.size() > max) out += "...";
    return out;
}

std::string_view get_string(const simdjson::dom::object& o, std::string_view key) {
    std::string_view v;
    if (o.at_key(key).get_string().get(v) != simdjson::SUCCESS) return {};
    return v;
}

uint64_t get_uint(const simdjson::dom::object& o, std::string_view key, uint64_t fallback) {
    uint64_t v = 0;
    if (o.at_key(key).get_uint64().get(v) != simdjson::SUCCESS) return fallback;
    return v;
}

bool get_object(const simdjson::dom::object& o, std::string_view key, simdjson::dom::object& out) {
    return o.at_key(key).get_object().get(out) == simdjson::SUCCESS;
}

bool get_array(const simdjson::dom::object& o, std::string_view key, simdjson::dom::array& out) {
    return o.at_key(key).get_array().get(out) == simdjson::SUCCESS;
}

std::string describe_error_object(const simdjson::dom::object& error) {
    std::string type(get_string(error, "type"));
    if (type.empty()) {
        if (std::string_view code = get_string(error, "code"); !code.empty()) {
            type = code;
        } else if (int64_t n = 0; error.at_key("code").get_int64().get(n) == simdjson::SUCCESS) {
            type = std::to_string(n);
        }
    }
    std::string message(get_string(error, "message"));
    if (message.empty()) message = printable(simdjson::to_string(error));
    return type.empty() ? message : type + ": " + message;
}

Error stream_error(std::string_view type, std::string message) {
    Error e{kind_for_error_type(type), std::move(message)};
    if (type == "overloaded_error" || type == "rate_limit_error" || type == "api_error" || type == "server_error" ||
        type == "rate_limit_exceeded") {
        e.retry_after_ms = 0;  // the provider's transient trouble
    }
    return e;
}

ErrorKind kind_for_error_type(std::string_view type) {
    if (type == "authentication_error" || type == "permission_error" || type == "invalid_api_key") {
        return ErrorKind::kPermission;
    }
    if (type == "invalid_request_error") return ErrorKind::kInvalidArgument;
    if (type == "not_found_error") return ErrorKind::kNotFound;
    return ErrorKind::kIo;  // overloaded, rate limited, server errors: worth a retry later
}

Error http_error(std::string_view provider, const std::string& url, const HttpStatus& status, std::string_view hint) {
    const long code = status.code;
    ErrorKind kind = ErrorKind::kIo;
    if (code == 401 || code == 403) {
        kind = ErrorKind::kPermission;
    } else if (code == 404) {
        kind = ErrorKind::kNotFound;
    } else if (code >= 400 && code < 500 && code != 408 && code != 429) {
        kind = ErrorKind::kInvalidArgument;
    }
    std::string detail;
    simdjson::dom::parser parser;
    simdjson::dom::object body, error;
    if (parser.parse(status.error_body.data(), status.error_body.size()).get_object().get(body) ==
            simdjson::SUCCESS &&
        get_object(body, "error", error)) {
        detail = describe_error_object(error);
    } else {
        detail = status.error_body.empty() ? "(empty body)" : printable(status.error_body);
    }
    std::string msg = std::string(provider) + ": HTTP " + std::to_string(code) + " from " + url + ": " + detail;
    if (code == 404 && !hint.empty()) msg += " (" + std::string(hint) + ")";
    Error e{kind, std::move(msg)};
    // Rate limits, overload (Anthropic's 529) and server errors pass.
    if (code == 408 || code == 429 || code >= 500) e.retry_after_ms = std::max<int64_t>(0, status.retry_after_ms);
    return e;
}

Error unfinished_stream(std::string_view provider, const SseOutcome& outcome, std::string_view marker) {
    const std::string& ctype = outcome.status.content_type;
    if (outcome.events == 0) {
        return Error{ErrorKind::kCorrupt, std::string(provider) + ": the reply is not an event stream (Content-Type " +
                                              (ctype.empty() ? std::string("none") : ctype) + "); it began: " +
                                              printable(outcome.head)};
    }
    return Error::io(std::string(provider) + ": the stream ended before " + std::string(marker) +
                     " (the connection was cut or the server gave up)");
}

std::string write_json_text(JsonWriter& w, simdjson::dom::parser& parser, std::string_view json,
                            bool require_object) {
    element e;
    if (auto err = parser.parse(json.data(), json.size()).get(e); err != simdjson::SUCCESS) {
        return simdjson::error_message(err);
    }
    if (require_object && e.type() != element_type::OBJECT) return "not a JSON object";
    copy_element(w, e);
    return {};
}

void add_tool_call(simdjson::dom::parser& parser, ToolCall call, TurnResult& result) {
    if (call.arguments_json.empty()) call.arguments_json = "{}";
    const std::string& json = call.arguments_json;
    element e;
    if (auto err = parser.parse(json.data(), json.size()).get(e); err != simdjson::SUCCESS) {
        call.arguments_error = std::string("the arguments are not valid JSON (") + simdjson::error_message(err) +
                               "): " + printable(json);
    } else if (e.type() != element_type::OBJECT) {
        call.arguments_error = "the arguments are not a JSON object: " + printable(json);
    }
    result.tool_calls.push_back(std::move(call));
}

}  // namespace detail
}  // namespace idx::agent
