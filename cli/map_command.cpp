#include "map_command.h"
#include "parse_args.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>

#include "common/json_writer.h"
#include "index_session.h"
#include "output.h"
#include "search/repo_map.h"

namespace idx::cli {

MapCommand::MapCommand(CLI::App& parent, bool with_options) {
    cmd_ = parent.add_subcommand("map", "A map of the repo's most important files and definitions, for an LLM");
    if (!with_options) return;
    cmd_->add_option("--tokens", tokens_, "Token budget (estimated as bytes / 4; default 1024)")->check(count_check());
    cmd_->add_option("--focus", focus_, "Rank around this file, folder or symbol (repeatable)");
    cmd_->add_flag("--json", json_, "Print {map, tokens, files, entries} as JSON");
}

int MapCommand::run() {
    auto fail = [](const std::string& msg) {
        std::fprintf(stderr, "idx map: %s\n", msg.c_str());
        return 2;
    };
    if (tokens_ == 0) return fail("--tokens must be at least 1");
    auto session = IndexSession::open();
    if (!session) return fail(session.error().message);
    search::MapRequest req;
    req.tokens = tokens_;
    for (const auto& f : focus_) {
        if (f.empty()) return fail("--focus: empty");
        // A path the user can see is made root-relative; anything else is a symbol.
        struct stat st {};
        auto rel = session->to_root_relative(f);
        req.focus.push_back(::stat(f.c_str(), &st) == 0 && rel ? *rel : f);
    }
    auto map = search::build_repo_map(session->reader(), req);
    if (!map) return fail(map.error().message);
    Output out(STDOUT_FILENO);
    if (json_) {
        JsonWriter j;
        j.begin_object().field("map", map->text).field("tokens", static_cast<uint64_t>(map->tokens));
        j.field("files", static_cast<uint64_t>(map->files)).field("entries", static_cast<uint64_t>(map->entries));
        j.end_object();
        out.write(j.str());
        out.write("\n");
    } else {
        out.write(map->text);
    }
    return map->entries == 0 ? 1 : 0;
}

}  // namespace idx::cli
