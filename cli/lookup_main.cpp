// idx-lookup: the symbol lookups (def, refs, sym, outline) when no
// `idx watch` answers them, and `idx ask`; `idx` executes it for those.
//
// It links the C++ runtime, SQLite and zstd statically, with no shared C++
// library: the dynamic linker has almost nothing to bind, so a lookup costs
// about what `global -x` does. `ask` runs from libidx_ask.so (libcurl),
// loaded on demand from this executable's folder; anything else becomes
// idx-cli by execv(). Only argv crosses into them.
#include <dlfcn.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <climits>
#include <cstdio>
#include <cstring>
#include <string>

#include "chosen_subcommand.h"
#include "indexer/sqlite.h"
#include "sibling_executable.h"
#include "symbol_command.h"

namespace {

// Loads `lib` from this executable's folder and runs its `entry`.
int run_library(int argc, char** argv, const char* kLib, const char* entry_name) {
    char path[PATH_MAX];
    if (!idx::cli::beside_this_executable(kLib, path)) return 2;
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
    const std::string chosen = idx::cli::chosen_subcommand(argc, argv);
    if (idx::cli::is_lookup_subcommand(chosen)) {
        std::signal(SIGPIPE, SIG_IGN);  // a closed pipe is handled as EPIPE by Output, as in idx-cli
        (void)idx::indexer::use_sqlite_from_one_thread();  // a lookup is one thread from start to end
        return idx::cli::run_local_lookup(argc, argv);
    }
    if (chosen == "ask") return run_library(argc, argv, "libidx_ask.so", "idx_ask_main");
    return idx::cli::exec_sibling("idx-cli", argv);
}
