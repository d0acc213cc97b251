// idx: the executable.
//
// `--version` and the symbol lookups (def, refs, sym, outline) run here, in
// a binary with the C++ runtime, SQLite and zstd linked in statically and no
// shared C++ library: the dynamic linker has almost nothing to bind, so a
// lookup costs about what `global -x` does. Every other command runs in
// idx-cli (TBB, Hyperscan, simdjson, ...), which this process becomes by
// execv(), and `ask` in libidx_ask.so (libcurl), loaded on demand; both sit
// in this executable's folder. Only argv crosses into them.
#include <dlfcn.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>
#include <string>

#include <CLI/CLI.hpp>

#include "chosen_subcommand.h"
#include "indexer/sqlite.h"
#include "parse_args.h"
#include "symbol_command.h"

#ifndef IDX_VERSION
#define IDX_VERSION "0.0.0"
#endif

namespace {

int run_lookup(int argc, char** argv, const std::string& chosen) {
    using idx::cli::SymbolCommand;
    // A lookup is one thread from start to end.
    (void)idx::indexer::use_sqlite_from_one_thread();
    CLI::App app("idx: a codebase indexer and search engine for people and LLM agents", "idx");
    app.require_subcommand(1, 1);
    const SymbolCommand::Mode mode = chosen == "def"    ? SymbolCommand::Mode::kDef
                                     : chosen == "refs" ? SymbolCommand::Mode::kRefs
                                     : chosen == "sym"  ? SymbolCommand::Mode::kSym
                                                        : SymbolCommand::Mode::kOutline;
    SymbolCommand command(app, mode, true);
    if (auto done = idx::cli::parse_args(app, argc, argv)) return *done;
    return command.run();
}

// The path of `file` in this executable's folder, in `path` (PATH_MAX
// bytes); false after saying why on stderr.
bool beside_this_executable(const char* file, char* path) {
    const auto room = static_cast<ssize_t>(PATH_MAX - std::strlen(file) - 1);
    const ssize_t n = ::readlink("/proc/self/exe", path, static_cast<size_t>(room));
    if (n <= 0 || n >= room) {  // n == room: the path may have been cut short
        std::fputs("idx: cannot locate the idx executable (/proc/self/exe)\n", stderr);
        return false;
    }
    path[n] = '\0';
    char* slash = std::strrchr(path, '/');
    std::strcpy(slash ? slash + 1 : path, file);
    return true;
}

// Becomes idx-cli with the same arguments; returns only if that fails.
int run_front_end(char** argv) {
    char path[PATH_MAX];
    if (!beside_this_executable("idx-cli", path)) return 2;
    ::execv(path, argv);
    std::fprintf(stderr, "idx: cannot run %s: %s\n", path, std::strerror(errno));
    return 2;
}

// Loads `lib` from this executable's folder and runs its `entry`.
int run_library(int argc, char** argv, const char* kLib, const char* entry_name) {
    char path[PATH_MAX];
    if (!beside_this_executable(kLib, path)) return 2;
    void* lib = ::dlopen(path, RTLD_LAZY | RTLD_LOCAL);
    if (lib == nullptr) {
        std::fprintf(stderr, "idx: cannot load %s\n", ::dlerror());
        return 2;
    }
    int (*entry)(int, char**) = nullptr;
    *reinterpret_cast<void**>(&entry) = ::dlsym(lib, entry_name);
    if (entry == nullptr) {
        std::fprintf(stderr, "idx: %s has no %s\n", path, entry_name);
        return 2;
    }
    return entry(argc, argv);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc == 2 && (std::strcmp(argv[1], "--version") == 0 || std::strcmp(argv[1], "-V") == 0)) {
        std::fputs("idx " IDX_VERSION "\n", stdout);
        return 0;
    }
    const std::string chosen = idx::cli::chosen_subcommand(argc, argv);
    if (chosen == "def" || chosen == "refs" || chosen == "sym" || chosen == "outline") {
        return run_lookup(argc, argv, chosen);
    }
    if (chosen == "ask") return run_library(argc, argv, "libidx_ask.so", "idx_ask_main");
    return run_front_end(argv);
}
