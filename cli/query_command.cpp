#include "query_command.h"
#include "parse_args.h"

#include <unistd.h>

#include <cstdio>

#include "common/file_io.h"
#include "common/json_writer.h"
#include "indexer/file_types.h"
#include "output.h"
#include "search/structural_query.h"

namespace idx::cli {

QueryCommand::QueryCommand(CLI::App& parent, bool with_options) {
    cmd_ = parent.add_subcommand("query", "Structural search with a tree-sitter query, e.g. "
                                          "'(call_expression function: (identifier) @f (#eq? @f \"kmalloc\"))'");
    if (!with_options) return;
    cmd_->add_option("QUERY", query_, "A tree-sitter query (S-expression); '-' reads it from stdin, @FILE from FILE")
        ->required();
    cmd_->add_option("PATH", paths_, "Files or folders to search (default: the current folder)");
    cmd_->add_option("--lang", lang_, "The language the query is written for (c, cpp, python, ...)")->required();
    cmd_->add_flag("--json", json_, "One JSON object per capture");
    cmd_->add_flag("--no-index", no_index_, "Parse every file of the language, ignoring the index");
    cmd_->add_option("-m,--max-count", max_count_, "Stop after N captures")->check(count_check());
    walk_.add_to(*cmd_);
}

int QueryCommand::run() {
    auto fail = [](const std::string& msg) {
        std::fprintf(stderr, "idx query: %s\n", msg.c_str());
        return 2;
    };
    const indexer::Lang lang = indexer::lang_from_name(lang_);
    if (lang == indexer::Lang::kUnknown) {
        return fail("--lang " + lang_ + ": not a language idx parses (c, cpp, python, javascript, typescript, tsx, "
                    "rust, go, java, ruby, csharp, bash, php)");
    }
    std::string source = query_;
    if (query_ == "-" || (!query_.empty() && query_[0] == '@')) {
        const std::string file = query_ == "-" ? "/dev/stdin" : query_.substr(1);
        if (int err = read_whole_file(file, source); err != 0) return fail(Error::from_errno(err, file).message);
    }
    if (source.find_first_not_of(" \t\r\n") == std::string::npos) return fail("the query is empty");
    auto q = search::StructuralQuery::compile(source, lang);
    if (!q) return fail(q.error().message);
    auto walk = walk_.to_options();
    if (!walk) return fail(walk.error().message);
    walk->paths = paths_;

    Output out(STDOUT_FILENO);
    uint64_t shown = 0;
    auto sink = [&](const std::vector<search::CaptureHit>& hits) {
        for (const auto& h : hits) {
            if (max_count_ != 0 && shown == max_count_) return false;
            ++shown;
            if (json_) {
                JsonWriter j;
                j.begin_object().field("path", h.path).field("line", static_cast<int64_t>(h.line));
                j.field("column", static_cast<int64_t>(h.col)).field("end_line", static_cast<int64_t>(h.end_line));
                j.field("end_column", static_cast<int64_t>(h.end_col)).field("capture", h.capture);
                j.field("text", h.text).end_object();
                out.write(j.str());
                out.write("\n");
            } else {
                std::string_view first = h.text;
                first = first.substr(0, std::min(first.find('\n'), size_t{200}));
                out.write(h.path + ":" + std::to_string(h.line) + ":" + std::to_string(h.col) + ": @" + h.capture +
                          " " + std::string(first) + "\n");
            }
            if (out.closed()) return false;
        }
        return true;
    };
    auto stats = search::structural_search(*q, *walk, no_index_, sink);
    if (!stats) return fail(stats.error().message);
    return shown > 0 ? 0 : 1;
}

}  // namespace idx::cli
