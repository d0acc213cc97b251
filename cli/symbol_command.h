// `idx def NAME`, `idx refs NAME`, `idx sym QUERY` and `idx outline FILE`:
// symbol lookups over the index, printed as
//   path:line:col: kind name  signature
// or, with --json, one JSON object per line. Exit codes: 0 found, 1 none,
// 2 error.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/expected.h"
#include "output.h"

namespace idx::cli {

class IndexSession;
// Supplies the index a lookup reads: a fresh session, or one the lookup
// server keeps open (the session stays the supplier's).
using SessionOpener = std::function<Expected<IndexSession*>()>;

class SymbolCommand {
public:
    enum class Mode { kDef, kRefs, kSym, kOutline };
    SymbolCommand(CLI::App& parent, Mode mode, bool with_options);
    bool selected() const { return cmd_->parsed(); }
    int run(Streams io, const SessionOpener& open_session);

private:
    CLI::App* cmd_;
    Mode mode_;
    std::string subject_, kind_, lang_;
    std::vector<std::string> paths_, files_;  // files_: outline's FILE...
    static constexpr size_t kMaxLimit = 10000;
    size_t limit_ = 20;
    bool json_ = false, explain_ = false;
};

// Parses and runs `idx <lookup> ...` (argv as the user typed it, argv[0]
// included), writing to `io`. The exit code: 0 found, 1 none, 2 error.
int run_lookup_command(int argc, const char* const* argv, Streams io, const SessionOpener& open_session);

// run_lookup_command() on the index covering the working directory.
int run_local_lookup(int argc, const char* const* argv);

}  // namespace idx::cli
