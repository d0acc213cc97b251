// idx-cli: the command-line front end, which `idx` executes (cli/idx_client.c)
// for every command it does not run itself. Parses arguments, runs one
// command, and maps its result to ripgrep's exit codes: 0 found, 1 nothing,
// 2 error.
#include <csignal>
#include <new>
#include <cstdio>
#include <string>

#include <CLI/CLI.hpp>
#include <oneapi/tbb/global_control.h>

#include "chosen_subcommand.h"
#include "parse_args.h"
#include "files_command.h"
#include "index_command.h"
#include "map_command.h"
#include "mcp_command.h"
#include "query_command.h"
#include "symbol_command.h"
#include "search_command.h"
#include "status_command.h"
#include "watch_command.h"

#ifndef IDX_VERSION
#define IDX_VERSION "0.0.0"
#endif

namespace {

int run(int argc, char** argv) {
    std::signal(SIGPIPE, SIG_IGN);  // a closed pipe is handled as EPIPE by Output

    CLI::App app("idx: a codebase indexer and search engine for people and LLM agents", "idx");
    app.set_version_flag("-V,--version", "idx " IDX_VERSION);
    app.require_subcommand(0, 1);
    app.footer(
        "Examples:\n"
        "  idx files -t c                 list the C files ripgrep would search\n"
        "  idx search 'spin_lock\\w*' -t c    search like rg, ripgrep's output and exit codes\n"
        "  idx files --type-list          the file types -t and -T accept\n"
        "  idx def kmalloc                where a symbol is defined (refs: its uses; sym: fuzzy)\n"
        "  idx map --tokens 2048          the repo's most important files and definitions\n");

    // Only the chosen subcommand declares its options: start-up stays as
    // cheap as `rg --version` (CLI11 option objects are not free).
    const std::string chosen = idx::cli::chosen_subcommand(argc, argv);
    if (idx::cli::is_lookup_subcommand(chosen)) return idx::cli::run_local_lookup(argc, argv);
    idx::cli::FilesCommand files(app, chosen == "files");
    idx::cli::SearchCommand search(app, chosen == "search");
    idx::cli::IndexCommand index(app, chosen == "index");
    idx::cli::StatusCommand status(app, chosen == "status");
    idx::cli::WatchCommand watch(app, chosen == "watch");
    // Listed for --help; run_local_lookup() above runs them.
    using Mode = idx::cli::SymbolCommand::Mode;
    for (Mode m : {Mode::kDef, Mode::kRefs, Mode::kSym, Mode::kOutline}) idx::cli::SymbolCommand(app, m, false);
    idx::cli::MapCommand map(app, chosen == "map");
    idx::cli::QueryCommand query(app, chosen == "query");
    idx::cli::McpCommand mcp(app, chosen == "mcp");
    // Listed for --help; `idx ask` itself runs from libidx_ask.so.
    app.add_subcommand("ask", "Answer a question about the repository with an LLM and idx's tools (idx ask --help)");

    if (auto done = idx::cli::parse_args(app, argc, argv)) return *done;
    if (files.selected()) return files.run();
    if (search.selected()) return search.run();
    if (index.selected()) return index.run();
    if (status.selected()) return status.run();
    if (watch.selected()) return watch.run();
    if (map.selected()) return map.run();
    if (query.selected()) return query.run();
    if (mcp.selected()) return mcp.run();
    std::fputs(app.help().c_str(), stdout);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    // TBB's worker threads are joined before exit. A parallel_for_each
    // feeder task signals its completion before destroying its item
    // (oneTBB 2021.8, parallel_for_each.h), so without the join the process
    // could exit while a worker still held a walk item; LeakSanitizer then
    // reported the item's path as leaked (one CI run in two, `idx files` on
    // a tree 1,000 directories deep). finalize() only fails (harmlessly,
    // without throwing) if another thread still runs TBB work.
    oneapi::tbb::task_scheduler_handle workers{oneapi::tbb::attach{}};
    const int code = run(argc, argv);
    (void)oneapi::tbb::finalize(workers, std::nothrow);
    return code;
}
