// chosen_subcommand: the subcommand named on the command line, found before
// CLI11 parses, so that only its options need declaring.
#pragma once

#include <string>
#include <string_view>

namespace idx::cli {

// The first argument that does not start with '-', or "" if there is none.
inline std::string chosen_subcommand(int argc, const char* const* argv) {
    for (int i = 1; i < argc; ++i) {
        if (argv[i][0] != '-') return argv[i];
    }
    return {};
}

// def, refs, sym and outline: the lookups, which idx-lookup runs, or
// idx watch for the static `idx` client.
inline bool is_lookup_subcommand(std::string_view name) {
    return name == "def" || name == "refs" || name == "sym" || name == "outline";
}

}  // namespace idx::cli
