// The binary's front door: version, help, and bad arguments (exit 2, one line).
#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include "tests/support/process.h"
#include "tests/support/temp_tree.h"

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

// Review of session 8: CLI11 2.1 read "-1" into an unsigned count as
// 2^64-1 (`idx sym x --limit -1` then ran without end), and idx's int
// counts took -1 as "not given".
TEST_CASE("a negative or non-numeric count is refused by every count option, on one line with exit 2") {
    const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
        {{"search", "-A", "-1", "x"}, "--after-context"},  {{"search", "-B", "-1", "x"}, "--before-context"},
        {{"search", "-C", "two", "x"}, "--context"},       {{"search", "-m", "-1", "x"}, "--max-count"},
        {{"files", "--max-depth", "-1"}, "--max-depth"},   {{"files", "-j", "-2"}, "--threads"},
        {{"status", "--limit", "-1"}, "--limit"},          {{"map", "--tokens", "-5"}, "--tokens"},
        {{"sym", "x", "--limit", "-1"}, "--limit"},        {{"query", "(identifier) @x", "--lang", "c", "-m", "-1"}, "--max-count"},
    };
    for (const auto& c : cases) {  // no structured binding: INFO captures, which clang 14 refuses for one
        const std::vector<std::string>& args = c.first;
        const std::string& option = c.second;
        std::vector<std::string> argv{IDX_BINARY};
        argv.insert(argv.end(), args.begin(), args.end());
        auto r = run_process(argv, "/", {}, {"IDX_DB"});
        INFO("args: ", args[0] + " " + args[1] + " " + args[2], " stderr: ", r.err);
        CHECK(r.exit_code == 2);
        CHECK(count_lines(r.err) == 1);
        CHECK(r.err.find(option + ": expected a whole number of 0 or more") != std::string::npos);
    }
}

TEST_CASE("without idx-cli beside it, idx runs its lookups but says on one line that it cannot run the rest") {
    // idx executes idx-cli from its own folder for every command but
    // --version, the lookups and ask (idx-lookup): a copy of idx and
    // idx-lookup alone must fail clearly.
    idx::test::TempTree bin;
    const std::string exe(IDX_BINARY);
    std::filesystem::copy_file(exe, bin.path("idx"));
    std::filesystem::copy_file(exe.substr(0, exe.rfind('/') + 1) + "idx-lookup", bin.path("idx-lookup"));
    auto version = run_process({bin.path("idx"), "--version"});
    CHECK(version.exit_code == 0);
    auto lookup = run_process({bin.path("idx"), "def", "x"}, bin.root(), {}, {"IDX_DB"});
    CHECK(lookup.exit_code == 2);
    CHECK(lookup.err.find("no index found") != std::string::npos);  // idx-lookup ran it
    auto r = run_process({bin.path("idx"), "files"});
    CHECK(r.exit_code == 2);
    CHECK(count_lines(r.err) == 1);
    CHECK(r.err.find("cannot run " + bin.path("idx-cli")) != std::string::npos);
    CHECK(r.out.empty());
}

TEST_CASE("without idx-lookup beside it, idx says on one line that it cannot run a lookup") {
    idx::test::TempTree bin;
    std::filesystem::copy_file(IDX_BINARY, bin.path("idx"));
    for (const char* cmd : {"def", "refs", "sym", "outline", "ask"}) {
        auto r = run_process({bin.path("idx"), cmd, "x"}, bin.root(), {}, {"IDX_DB"});
        INFO(cmd, ": ", r.err);
        CHECK(r.exit_code == 2);
        CHECK(count_lines(r.err) == 1);
        CHECK(r.err.find("cannot run " + bin.path("idx-lookup")) != std::string::npos);
        CHECK(r.out.empty());
    }
}
