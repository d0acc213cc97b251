// idx: the executable people and agents run. It is small and fully static
// (no dynamic linker, ~0.4 ms to start here) and does little itself:
//   --version                 prints it;
//   def, refs, sym, outline   hands the command to the `idx watch` of the
//                             index when one runs (lookup_channel.h), else
//                             becomes idx-lookup;
//   ask                       becomes idx-lookup (which loads libidx_ask.so);
//   anything else             becomes idx-cli.
// All of them sit in this executable's folder; only argv crosses, by execv().
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>
#include <string>

#include "chosen_subcommand.h"
#include "indexer/index_locator.h"
#include "lookup_channel.h"
#include "sibling_executable.h"

#ifndef IDX_VERSION
#define IDX_VERSION "0.0.0"
#endif

namespace {

// How long a watcher may take to pick up a lookup before this process runs
// it itself: both of its workers busy with long lookups, or it is stopped.
constexpr int kAcceptTimeoutMs = 500;

// The exit code of the lookup in argv as the watcher of its index ran it;
// -1 when none took it.
int run_in_watcher(int argc, char** argv) {
    char cwd[PATH_MAX];
    if (::getcwd(cwd, sizeof cwd) == nullptr) return -1;
    auto where = idx::indexer::locate_index(cwd);
    if (!where) return -1;
    idx::cli::LookupRequest request;
    request.cwd = cwd;
    request.where = std::move(*where);
    // Not normalised: the kernel resolves "link/.." differently.
    if (request.where.db_path[0] != '/') request.where.db_path = request.cwd + "/" + request.where.db_path;
    request.args.assign(argv + 1, argv + argc);
    auto code = idx::cli::forward_lookup(request, STDOUT_FILENO, STDERR_FILENO, kAcceptTimeoutMs);
    if (!code) {
        std::fprintf(stderr, "idx: %s\n", code.error().message.c_str());
        return 2;
    }
    return code->value_or(-1);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc == 2 && (std::strcmp(argv[1], "--version") == 0 || std::strcmp(argv[1], "-V") == 0)) {
        std::fputs("idx " IDX_VERSION "\n", stdout);
        return 0;
    }
    const std::string chosen = idx::cli::chosen_subcommand(argc, argv);
    if (idx::cli::is_lookup_subcommand(chosen)) {
        if (const int code = run_in_watcher(argc, argv); code >= 0) return code;
        return idx::cli::exec_sibling("idx-lookup", argv);
    }
    if (chosen == "ask") return idx::cli::exec_sibling("idx-lookup", argv);
    return idx::cli::exec_sibling("idx-cli", argv);
}
