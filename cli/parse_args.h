// parse_args(): CLI11 parsing with idx's conventions, for each entry point
// (lookup_main.cpp, cli_main.cpp, ask_command.cpp).
#pragma once

#include <optional>
#include <sstream>
#include <string>

#include <CLI/CLI.hpp>

#include "output.h"

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
// exit code: 0 after --help or --version (printed by CLI11 on io.out), 2
// after a usage error, reported on one line on io.err.
inline std::optional<int> parse_args(CLI::App& app, int argc, const char* const* argv, Streams io = {}) {
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        if (e.get_exit_code() != 0) {
            write_line(io.err, std::string("idx: error: ") + e.what());
            return 2;
        }
        std::ostringstream out, err;
        const int code = app.exit(e, out, err);  // help, help-all, version
        Output(io.out).write(out.str());
        Output(io.err).write(err.str());
        return code;
    }
    return std::nullopt;
}

}  // namespace idx::cli
