#include "symbol_command.h"
#include "chosen_subcommand.h"
#include "parse_args.h"

#include <unistd.h>

#include <cstdio>
#include <optional>

#include "common/json_writer.h"
#include "index_session.h"
#include "indexer/file_types.h"
#include "output.h"
#include "indexer/symbol_match.h"
#include "search/symbol_lookup.h"

namespace idx::cli {
namespace {

const char* name_of(SymbolCommand::Mode m) {
    switch (m) {
        case SymbolCommand::Mode::kDef: return "def";
        case SymbolCommand::Mode::kRefs: return "refs";
        case SymbolCommand::Mode::kSym: return "sym";
        case SymbolCommand::Mode::kOutline: return "outline";
    }
    return "";
}

void print_hit(Output& out, const std::string& path, const indexer::Tag& t, bool json, const std::string& lang,
               int score, uint32_t depth) {
    if (json) {
        JsonWriter j;
        j.begin_object().field("path", path).field("line", static_cast<int64_t>(t.line));
        j.field("column", static_cast<int64_t>(t.col)).field("kind", t.kind).field("name", t.name);
        if (t.is_definition) {
            j.field("start_line", static_cast<int64_t>(t.start_line)).field("end_line", static_cast<int64_t>(t.end_line));
            if (!t.scope.empty()) j.field("scope", t.scope);
        }
        j.field("signature", t.signature);
        if (!lang.empty()) j.field("lang", lang);
        if (score != 0) j.field("score", score);
        if (depth != 0) j.field("depth", static_cast<int64_t>(depth));
        j.end_object();
        out.write(j.str());
        out.write("\n");
        return;
    }
    std::string line(2 * depth, ' ');  // outline nesting
    line += path + ":" + std::to_string(t.line) + ":" + std::to_string(t.col) + ": " + t.kind + " " + t.name;
    if (!t.signature.empty()) line += "  " + t.signature;
    line += '\n';
    out.write(line);
}

}  // namespace

SymbolCommand::SymbolCommand(CLI::App& parent, Mode mode, bool with_options) : mode_(mode) {
    static constexpr const char* kHelp[] = {
        "Find where NAME is defined (exact name)",
        "Find the uses of NAME (whole identifiers, its definitions excluded)",
        "Fuzzy symbol search: `sym mtxlck` finds mutex_lock; ranked by match, kind and file importance",
        "List the definitions in FILE..., nested, with their line ranges",
    };
    cmd_ = parent.add_subcommand(name_of(mode), kHelp[static_cast<int>(mode)]);
    if (!with_options) return;
    if (mode == Mode::kOutline) {
        cmd_->add_option("FILE", files_, "Files to outline")->required();
    } else {
        cmd_->add_option(mode == Mode::kSym ? "QUERY" : "NAME", subject_)->required();
    }
    cmd_->add_flag("--json", json_, "One JSON object per line");
    if (mode == Mode::kOutline) return;
    cmd_->add_option("--kind", kind_, "Only definitions of this kind (function, macro, class, ...)");
    cmd_->add_option("--lang", lang_, "Only files of this language (c, cpp, python, ...)");
    cmd_->add_option("--path", paths_, "Only paths matching this glob (relative to the index root; repeatable)");
    if (mode == Mode::kSym) {
        cmd_->add_option("--limit", limit_, "At most N results (default 20)")->check(count_check());
        cmd_->add_flag("--explain", explain_, "Print how many dictionary groups and names the query had to score");
    }
}

int SymbolCommand::run(Streams io, const SessionOpener& open_session) {
    const std::string cmd = std::string("idx ") + name_of(mode_);
    auto fail = [&](const std::string& msg) {
        write_line(io.err, cmd + ": " + msg);
        return 2;
    };
    if (mode_ != Mode::kOutline && subject_.empty()) return fail("the name is empty");
    if (!lang_.empty() && indexer::lang_from_name(lang_) == indexer::Lang::kUnknown) {
        return fail("--lang " + lang_ + ": not a language idx parses (c, cpp, python, javascript, typescript, tsx, "
                    "rust, go, java, ruby, csharp, bash, php)");
    }
    search::SymbolFilter filter;
    filter.kind = kind_;
    filter.lang = lang_;
    for (const auto& p : paths_) {
        auto g = indexer::Glob::compile(p);
        if (!g) return fail("--path " + p + ": " + g.error().message);
        filter.path_globs.push_back(std::move(*g));
    }
    // Each result resolves a name's definitions; past 10,000 a loose query
    // ('x') would read most of the index.
    if (mode_ == Mode::kSym && (limit_ == 0 || limit_ > kMaxLimit)) {
        return fail("--limit must be between 1 and " + std::to_string(kMaxLimit));
    }
    auto opened = open_session();
    if (!opened) return fail(opened.error().message);
    IndexSession* session = *opened;
    search::SymbolLookup lookup(session->reader(), session->root());
    if (mode_ == Mode::kSym) lookup.use_dictionary(session->dictionary());
    Output out(io.out);
    out.end_when_readable(io.hangup, io.stop);

    if (mode_ == Mode::kOutline) {
        // Every file is outlined; a file that cannot be is reported and
        // makes the exit code 2, as rg does for a missing path.
        bool any = false, failed = false;
        for (const auto& file : files_) {
            auto rel = file.empty() ? std::nullopt : session->to_root_relative(file);
            if (!rel) {
                fail((file.empty() ? std::string("an empty file name") : file) + ": outside the indexed tree " +
                     session->root());
                failed = true;
                continue;
            }
            auto o = lookup.outline(*rel);
            if (!o) {
                fail(o.error().message);
                failed = true;
                continue;
            }
            const std::string shown = session->display(o->path);
            for (size_t i = 0; i < o->definitions.size(); ++i) {
                indexer::Tag t = o->definitions[i];
                if (!json_) {
                    t.signature = "[" + std::to_string(t.start_line) + "-" + std::to_string(t.end_line) + "] " + t.signature;
                }
                print_hit(out, shown, t, json_, json_ ? o->lang : "", 0, o->depth[i]);
            }
            any = any || !o->definitions.empty();
        }
        return failed ? 2 : any ? 0 : 1;
    }
    indexer::SymbolMatchStats stats;
    search::SymbolLookup::ReferenceStats ref_stats;
    Expected<std::vector<search::SymbolMatch>> hits =
        mode_ == Mode::kDef    ? lookup.definitions(subject_, filter)
        : mode_ == Mode::kRefs ? lookup.references(subject_, filter, &ref_stats)
                               : lookup.fuzzy(subject_, filter, limit_, &stats);
    if (!hits) return fail(hits.error().message);
    if (ref_stats.not_read > 0) {
        write_line(io.err, "idx refs: " + std::to_string(ref_stats.not_read) +
                               " file(s) over 1 MiB or binary may hold the name but get no symbols, so were "
                               "not read (idx search -w reads them)");
    }
    if (explain_) {
        const std::string groups = stats.fuzzy_tier ? std::to_string(stats.candidate_groups) + " of " +
                                                          std::to_string(stats.groups) + " (pair index)"
                                                    : "none (the names the query begins filled the answer)";
        out.write("query: " + indexer::fold_query(subject_) + "\ngroups: " + groups + "\nnames scored: " + std::to_string(stats.names_scored) +
                  " (" + std::to_string(stats.delta_names) + " from the delta)\nresults: " +
                  std::to_string(hits->size()) + "\n");
        return 0;
    }
    for (const auto& m : *hits) {
        print_hit(out, session->display(m.hit.path), m.hit.tag, json_, json_ ? m.hit.lang : "", json_ ? m.score : 0, 0);
        if (out.closed()) break;
    }
    return hits->empty() ? 1 : 0;
}

int run_lookup_command(int argc, const char* const* argv, Streams io, const SessionOpener& open_session) {
    const std::string chosen = chosen_subcommand(argc, argv);
    CLI::App app("idx: a codebase indexer and search engine for people and LLM agents", "idx");
    app.require_subcommand(1, 1);
    const SymbolCommand::Mode mode = chosen == "def"    ? SymbolCommand::Mode::kDef
                                     : chosen == "refs" ? SymbolCommand::Mode::kRefs
                                     : chosen == "sym"  ? SymbolCommand::Mode::kSym
                                                        : SymbolCommand::Mode::kOutline;
    SymbolCommand command(app, mode, true);
    if (auto done = parse_args(app, argc, argv, io)) return *done;
    return command.run(io, open_session);
}

int run_local_lookup(int argc, const char* const* argv) {
    std::optional<IndexSession> session;
    return run_lookup_command(argc, argv, Streams{}, [&]() -> Expected<IndexSession*> {
        auto opened = IndexSession::open();
        if (!opened) return std::move(opened).error();
        session.emplace(std::move(*opened));
        return &*session;
    });
}

}  // namespace idx::cli
