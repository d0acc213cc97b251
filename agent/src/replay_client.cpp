#include <simdjson.h>

#include "agent/llm_client.h"
#include "common/file_io.h"
#include "llm_common.h"

namespace idx::agent {

Expected<ReplayClient> ReplayClient::load(const std::string& path) {
    std::string text;
    if (int err = read_whole_file(path, text); err != 0) return Error::from_errno(err, "--replay " + path);
    simdjson::dom::parser parser;
    simdjson::dom::element root;
    if (auto err = parser.parse(text).get(root); err) {
        return Error::invalid("--replay " + path + ": not JSON: " + simdjson::error_message(err));
    }
    simdjson::dom::array turns;
    if (root.is_object()) {
        if (root["turns"].get(turns)) return Error::invalid("--replay " + path + ": no \"turns\" list");
    } else if (root.get(turns)) {
        return Error::invalid("--replay " + path + ": expected a list of turns");
    }
    ReplayClient c;
    size_t n = 0;
    for (auto t : turns) {
        ++n;
        const std::string where = "--replay " + path + ": turn " + std::to_string(n);
        if (!t.is_object()) return Error::invalid(where + " is not an object");
        TurnResult r;
        std::string_view sv;
        if (!t["text"].get(sv)) r.text = std::string(sv);
        simdjson::dom::array calls;
        if (!t["tool_calls"].get(calls)) {
            size_t i = 0;
            for (auto call : calls) {
                ToolCall tc;
                if (call["name"].get(sv)) return Error::invalid(where + ": a tool call has no name");
                tc.name = std::string(sv);
                tc.id = call["id"].get(sv) ? "replay_" + std::to_string(n) + "_" + std::to_string(i) : std::string(sv);
                simdjson::dom::element input;
                if (call["input"].get(input)) {
                    tc.arguments_json = "{}";  // no input given: no arguments
                } else {
                    tc.arguments_json = simdjson::minify(input);
                    if (!input.is_object()) tc.arguments_error = "the arguments are not a JSON object";
                }
                r.tool_calls.push_back(std::move(tc));
                ++i;
            }
        }
        r.stop_reason = r.tool_calls.empty() ? "end_turn" : "tool_use";
        c.turns_.push_back(std::move(r));
    }
    if (c.turns_.empty()) return Error::invalid("--replay " + path + ": no turns");
    return c;
}

Expected<TurnResult> ReplayClient::turn(const TurnRequest&, const StreamCallbacks& callbacks) {
    if (next_ >= turns_.size()) {
        return Error::invalid("--replay: the conversation ends after " + std::to_string(turns_.size()) +
                              " turns, but the loop asked for another");
    }
    TurnResult r = turns_[next_++];
    if (callbacks.on_text && !r.text.empty()) callbacks.on_text(r.text);
    return r;
}

}  // namespace idx::agent
