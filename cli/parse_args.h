// parse_args(): CLI11 parsing with idx's conventions, for each entry point
// (idx_main.cpp, cli_main.cpp, ask_command.cpp).
#pragma once

#include <cstdio>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

namespace idx::cli {

// The check every count option (context lines, limits, depths, budgets)
// carries: a whole number of 0 or more, in decimal. CLI11 2.1 (Debian 12's)
// reads "-1" into an unsigned option as 2^64-1, and idx's int options use
// -1 for "not given", so without it a negative count was taken silently.
inline CLI::Validator count_check() {
    return CLI::Validator(
        [](std::string& s) -> std::string {
            if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos) {
                return "expected a whole number of 0 or more, not '" + s + "'";
            }
            return {};
        },
        "NUM");
}

// Parses argv into `app`. nullopt: go on and run the command. Otherwise the
// exit code: 0 after --help or --version (printed by CLI11), 2 after a
// usage error, reported on one line.
inline std::optional<int> parse_args(CLI::App& app, int argc, char** argv) {
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        if (e.get_exit_code() == 0) return app.exit(e);  // help, help-all, version
        std::fprintf(stderr, "idx: error: %s\n", e.what());
        return 2;
    }
    return std::nullopt;
}

}  // namespace idx::cli
