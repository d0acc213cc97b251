// ToolSet: idx's tools for LLMs, defined once and served by both front ends
// (idx mcp and idx ask). Each tool is a thin wrapper over a library call
// (search::search, SymbolLookup, build_repo_map, structural_search, ...).
//
// Every result states its totals, whether it was truncated and the offset
// to continue from, and, when empty, why (no match, a file the index
// skipped and the reason, an unsupported language, symbols still pending).
// Results are fitted to a token budget (bytes / 4 of the text), most
// relevant first: definitions before other hits, then files by their rank
// in the file graph. Every call has a deadline: the call's own work (the
// walk, the file reads, the parses) stops when it passes, and the result
// says it is incomplete.
#pragma once

#include <atomic>
#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "common/expected.h"

namespace idx::agent {

struct ToolDefinition {
    std::string name, title, description;
    std::string input_schema, output_schema;  // JSON Schema objects, as JSON text
};

struct ToolOutput {
    std::string text;        // what the model reads
    std::string structured;  // the same as a JSON object (MCP structuredContent)
    bool is_error = false;   // the tool failed; `text` says why
};

struct CallLimits {
    std::chrono::milliseconds deadline{10000};
    size_t token_budget = 8000;
    // Set by the caller to stop the call early (an MCP client's cancel).
    const std::atomic<bool>* cancel = nullptr;
};

class ToolSet {
public:
    // Tools work on the process's current directory: its index (found by
    // walking up) and its files. Paths outside the indexed root (or the
    // current directory, without an index) are refused.
    ToolSet();

    const std::vector<ToolDefinition>& definitions() const { return definitions_; }

    // kNotFound for an unknown tool; kInvalidArgument for arguments that do
    // not fit the tool's schema (the message names the argument). Failures
    // of the work itself (a bad regex, a missing file, no index) come back
    // as a ToolOutput with is_error set, for the model to read.
    Expected<ToolOutput> call(std::string_view name, std::string_view arguments_json, const CallLimits& limits) const;

private:
    std::vector<ToolDefinition> definitions_;
};

}  // namespace idx::agent
