// The binary's front door: version, help, and bad arguments (exit 2, one line).
#include <doctest/doctest.h>

#include <string>

#include "tests/support/process.h"

using idx::test::run_process;

namespace {
int count_lines(const std::string& s) {
    int n = 0;
    for (char c : s) n += c == '\n';
    return n;
}
}  // namespace

TEST_CASE("idx --version prints the version and exits 0") {
    auto r = run_process({IDX_BINARY, "--version"});
    CHECK(r.exit_code == 0);
    CHECK(r.out.rfind("idx ", 0) == 0);
}

TEST_CASE("idx --help shows examples") {
    auto r = run_process({IDX_BINARY, "--help"});
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("Examples:") != std::string::npos);
    auto f = run_process({IDX_BINARY, "files", "--help"});
    CHECK(f.exit_code == 0);
    CHECK(f.out.find("idx files -t c") != std::string::npos);
}

TEST_CASE("bad arguments give a one-line error and exit 2") {
    for (const auto& argv : std::vector<std::vector<std::string>>{
             {IDX_BINARY, "--no-such-flag"},
             {IDX_BINARY, "files", "--max-filesize", "12Q"},
             {IDX_BINARY, "files", "--max-filesize", "99999999999999999999999"},
             {IDX_BINARY, "files", "-t", "nosuchtype"},
             {IDX_BINARY, "files", "-g", "a[b"},
             {IDX_BINARY, "files", "--sort", "sideways"},
             {IDX_BINARY, "search"},
             {IDX_BINARY, "search", "a(b"},
             {IDX_BINARY, "search", "-f", "/nonexistent/patterns", "x"},
             {IDX_BINARY, "index", "/nonexistent/tree"},
             {IDX_BINARY, "index", "/etc/hostname"},
             {IDX_BINARY, "status"},
             {IDX_BINARY, "search", "--explain", "x"},
             {IDX_BINARY, "mcp", "--deadline-ms", "0"},
             {IDX_BINARY, "mcp", "--workers", "0"},
             {IDX_BINARY, "mcp", "--bogus"},
             {IDX_BINARY, "ask", "q", "--provider", "foo"},
             {IDX_BINARY, "ask", "q", "--replay"},
             {IDX_BINARY, "ask", "q", "--timeout", "0"},
             {IDX_BINARY, "map", "--tokens", "abc"},
         }) {
        // Run where no index is: "/" has none (and IDX_DB is unset).
        auto r = run_process(argv, "/", {}, {"IDX_DB"});
        INFO("argv[1..]: ", argv.size() > 2 ? argv[1] + " " + argv[2] : argv[1], " stderr: ", r.err);
        CHECK(r.exit_code == 2);
        CHECK(count_lines(r.err) == 1);
        CHECK(r.out.empty());
    }
}
