// ToolArgs: a tool call's arguments (a JSON object from an LLM or an MCP
// client), read with types checked. Hostile input: any shape may arrive; a
// wrong type, an out-of-range number or an unknown key is an error naming
// the argument, never a crash.
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/expected.h"

namespace idx::agent {

class ToolArgs {
public:
    // `json` must be a JSON object ("" and "null" count as {}).
    static Expected<ToolArgs> parse(std::string_view json);

    Expected<std::optional<std::string>> string(std::string_view key) const;
    Expected<std::string> required_string(std::string_view key) const;
    Expected<std::optional<int64_t>> integer(std::string_view key, int64_t min, int64_t max) const;
    Expected<std::optional<bool>> boolean(std::string_view key) const;
    // A string or an array of strings.
    Expected<std::vector<std::string>> strings(std::string_view key) const;
    // Fails on a key not in `known` (a misspelt argument silently ignored
    // would give a wrong answer).
    Expected<void> only(std::initializer_list<std::string_view> known) const;

private:
    std::unique_ptr<simdjson::dom::parser> parser_;
    simdjson::dom::object object_;
    bool empty_ = true;
};

}  // namespace idx::agent
