// `idx def NAME`, `idx refs NAME`, `idx sym QUERY` and `idx outline FILE`:
// symbol lookups over the index, printed as
//   path:line:col: kind name  signature
// or, with --json, one JSON object per line. Exit codes: 0 found, 1 none,
// 2 error.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace idx::cli {

class SymbolCommand {
public:
    enum class Mode { kDef, kRefs, kSym, kOutline };
    SymbolCommand(CLI::App& parent, Mode mode, bool with_options);
    bool selected() const { return cmd_->parsed(); }
    int run();

private:
    CLI::App* cmd_;
    Mode mode_;
    std::string subject_, kind_, lang_;
    std::vector<std::string> paths_, files_;  // files_: outline's FILE...
    static constexpr size_t kMaxLimit = 10000;
    size_t limit_ = 20;
    bool json_ = false, explain_ = false;
};

}  // namespace idx::cli
