// chosen_subcommand: the subcommand named on the command line, found before
// CLI11 parses, so that only its options need declaring.
#pragma once

#include <string>

namespace idx::cli {

// The first argument that does not start with '-', or "" if there is none.
inline std::string chosen_subcommand(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
        if (argv[i][0] != '-') return argv[i];
    }
    return {};
}

}  // namespace idx::cli
