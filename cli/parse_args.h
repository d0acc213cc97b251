// parse_args(): CLI11 parsing with idx's conventions, for each entry point
// (idx_main.cpp, cli_main.cpp, ask_command.cpp).
#pragma once

#include <cstdio>
#include <optional>

#include <CLI/CLI.hpp>

namespace idx::cli {

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
