#include "agent/tool_set.h"

#include <condition_variable>
#include <mutex>
#include <thread>

#include "result_page.h"
#include "tools.h"

namespace idx::agent {
namespace {

// Schema fragments (JSON Schema 2020-12; no root anyOf, as MCP asks).
constexpr const char* kPaging =
    R"J("head_limit":{"type":"integer","minimum":1,"description":"Return at most this many results"},)J"
    R"J("offset":{"type":"integer","minimum":0,"description":"Skip this many results (continue a truncated result)"})J";
constexpr const char* kSymbolFilters =
    R"J("kind":{"type":"string","description":"Only definitions of this kind: function, method, class, type, macro, ..."},)J"
    R"J("lang":{"type":"string","enum":["c","cpp","python","javascript","typescript","tsx","rust","go","java","ruby","csharp","bash","php"]},)J"
    R"J("path":{"type":"array","items":{"type":"string"},"description":"Only paths matching one of these globs (relative to the index root)"},)J";

// Every result's structured shape (ResultPage).
constexpr const char* kPageSchema =
    R"J({"type":"object","properties":{"total":{"type":"integer"},"offset":{"type":"integer"},)J"
    R"J("returned":{"type":"integer"},"truncated":{"type":"boolean"},"next_offset":{"type":"integer"},)J"
    R"J("truncated_by":{"type":"string"},"complete":{"type":"boolean"},"incomplete_because":{"type":"string"},)J"
    R"J("empty_reason":{"type":"object","properties":{"code":{"type":"string"},"detail":{"type":"string"}}},)J"
    R"J("results":{"type":"array","items":{"type":"object"}},"notes":{"type":"array","items":{"type":"string"}},)J"
    R"J("error":{"type":"string"}}})J";

std::string object_schema(const std::string& properties, const std::string& required) {
    return R"J({"type":"object","properties":{)J" + properties + "}" +
           (required.empty() ? "" : R"J(,"required":[)J" + required + "]") + R"J(,"additionalProperties":false})J";
}

using Runner = Expected<ToolOutput> (*)(const ToolArgs&, const CallContext&);

struct Entry {
    const char* name;
    Runner run;
};
constexpr Entry kRunners[] = {
    {"search", run_search}, {"files", run_files}, {"read", run_read},   {"def", run_def},     {"refs", run_refs},
    {"sym", run_sym},       {"outline", run_outline}, {"map", run_map}, {"query", run_query}, {"status", run_status},
};

std::vector<ToolDefinition> make_definitions() {
    const std::string paging = kPaging;
    const std::string filters = kSymbolFilters;
    const std::string page = kPageSchema;
    const std::string free_form = R"J({"type":"object"})J";
    return {
        {"search", "Search code",
         "Regex search over the project's files, with ripgrep's syntax, rules and results (an index makes it fast). "
         "output_mode: files_with_matches (default), content (matching lines as path:line:text) or count.",
         object_schema(R"J("pattern":{"type":"string","description":"Regular expression (Rust/ripgrep syntax)"},)J"
                       R"J("path":{"type":"string","description":"File or folder to search (default: the project)"},)J"
                       R"J("glob":{"type":"string","description":"Only files matching this glob, e.g. *.c or !*test*"},)J"
                       R"J("type":{"type":"string","description":"Only files of this ripgrep type, e.g. c, py, rust"},)J"
                       R"J("output_mode":{"type":"string","enum":["content","files_with_matches","count"]},)J"
                       R"J("case_insensitive":{"type":"boolean"},"fixed_strings":{"type":"boolean","description":"Pattern is a literal"},)J"
                       R"J("context":{"type":"integer","minimum":0,"maximum":100,"description":"Lines of context around matches (content mode)"},)J" +
                           paging,
                       R"J("pattern")J"),
         page},
        {"files", "List files",
         "The project's files as ripgrep would search them (ignore rules apply), sorted by path.",
         object_schema(R"J("glob":{"type":"string","description":"e.g. **/*.rs"},"path":{"type":"string"},)J"
                       R"J("type":{"type":"string"},)J" + paging,
                       ""),
         page},
        {"read", "Read a file",
         "A file's lines, numbered like cat -n. offset is the first line (1-based), limit the number of lines "
         "(default 2000); lines over 2000 bytes are cut.",
         object_schema(R"J("path":{"type":"string"},"offset":{"type":"integer","minimum":1},)J"
                       R"J("limit":{"type":"integer","minimum":1})J",
                       R"J("path")J"),
         page},
        {"def", "Find definitions",
         "Where a symbol is defined (exact name), from the tree-sitter index: path:line:col: kind name signature.",
         object_schema(R"J("name":{"type":"string"},)J" + filters + paging, R"J("name")J"), page},
        {"refs", "Find uses",
         "The uses of a symbol: every whole-identifier occurrence in indexed source files except its definitions.",
         object_schema(R"J("name":{"type":"string"},)J" + filters + paging, R"J("name")J"), page},
        {"sym", "Fuzzy symbol search",
         "Definitions whose names fuzzy-match the query (mtxlck finds mutex_lock), best first.",
         object_schema(R"J("query":{"type":"string"},)J" + filters + paging, R"J("query")J"), page},
        {"outline", "Outline a file", "The definitions in a file, nested, with their line ranges.",
         object_schema(R"J("path":{"type":"string"},)J" + paging, R"J("path")J"), page},
        {"map", "Repo map",
         "The project's most important files and their key definitions (PageRank over the file graph), fitted to a "
         "token budget; focus ranks around given files, folders or symbols.",
         object_schema(R"J("tokens":{"type":"integer","minimum":64},"focus":{"type":"array","items":{"type":"string"}})J",
                       ""),
         R"J({"type":"object","properties":{"map":{"type":"string"},"tokens":{"type":"integer"},"files":{"type":"integer"},"entries":{"type":"integer"}}})J"},
        {"query", "Structural search",
         "A tree-sitter query over the files of one language; prints each capture as path:line:col: @capture text.",
         object_schema(R"J("query":{"type":"string","description":"Tree-sitter query (S-expression)"},)J"
                       R"J("lang":{"type":"string","enum":["c","cpp","python","javascript","typescript","tsx","rust","go","java","ruby","csharp","bash","php"]},)J"
                       R"J("path":{"type":"string"},)J" + paging,
                       R"J("query","lang")J"),
         page},
        {"status", "Index status",
         "What the index holds, what it skipped, and (check, default true) which files changed since it was built.",
         object_schema(R"J("check":{"type":"boolean"})J", ""), free_form},
    };
}

// Runs `fn` with a stop flag that the deadline or the caller's cancel sets.
Expected<ToolOutput> with_deadline(Runner fn, const ToolArgs& args, const Workspace& ws, const CallLimits& limits) {
    std::atomic<bool> stop{false};
    std::mutex mu;
    std::condition_variable cv;
    bool done = false;
    std::thread watchdog([&] {
        std::unique_lock lock(mu);
        const auto until = std::chrono::steady_clock::now() + limits.deadline;
        while (!done) {
            if (limits.cancel && limits.cancel->load()) break;
            if (cv.wait_until(lock, std::min(until, std::chrono::steady_clock::now() + std::chrono::milliseconds(20))) ==
                    std::cv_status::timeout &&
                std::chrono::steady_clock::now() >= until) {
                break;
            }
        }
        if (!done) stop.store(true);
    });
    CallContext ctx{ws, limits.token_budget, stop};
    auto out = fn(args, ctx);
    {
        std::lock_guard lock(mu);
        done = true;
    }
    cv.notify_all();
    watchdog.join();
    return out;
}

}  // namespace

ToolSet::ToolSet() : definitions_(make_definitions()) {}

Expected<ToolOutput> ToolSet::call(std::string_view name, std::string_view arguments_json, const CallLimits& limits) const {
    Runner fn = nullptr;
    for (const auto& e : kRunners) {
        if (name == e.name) fn = e.run;
    }
    if (!fn) return Error{ErrorKind::kNotFound, "unknown tool: " + std::string(name)};
    auto args = ToolArgs::parse(arguments_json);
    if (!args) return std::move(args).error();
    auto ws = Workspace::current();
    if (!ws) return tool_error(ws.error().message);
    return with_deadline(fn, *args, *ws, limits);
}

}  // namespace idx::agent
