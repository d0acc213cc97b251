// idx search must print what rg prints. This early scanner is checked on
// ripgrep's binary-file rules and on basic flags (issue #2's search; the
// full comparison belongs to the search issue).
#include <unistd.h>

#include <random>
#include <regex>

#include "tests/cli/rg_compare.h"

using idx::test::run_both;
using idx::test::sorted_lines;
using idx::test::TempTree;

namespace {
void check_search_matches_rg(const TempTree& t, const std::vector<std::string>& args) {
    auto p = run_both(t, args, "", "", "search");
    INFO("args:", idx::test::describe(args), "\nrg stderr: ", p.rg.err, "\nidx stderr: ", p.idx.err);
    CHECK(sorted_lines(p.idx.out) == sorted_lines(p.rg.out));
    CHECK(p.idx.exit_code == p.rg.exit_code);
}
}  // namespace

TEST_CASE("binary files are cut off exactly where ripgrep stops reading them") {
    std::mt19937 rng(7);
    for (int round = 0; round < 12; ++round) {
        TempTree t;
        std::vector<std::string> names;
        for (int f = 0; f < 4; ++f) {
            std::string body;
            const size_t size = 1000 + rng() % 300000;
            while (body.size() < size) {
                size_t len = rng() % 97 == 0 ? 70000 + rng() % 1000 : rng() % 120;
                std::string line(len, 'x');
                if (rng() % 3 == 0 && len > 6) line.replace(rng() % (len - 5), 5, "match");
                body += line + "\n";
            }
            if (rng() % 5 != 0) body[rng() % body.size()] = '\0';
            names.push_back("f" + std::to_string(f) + ".dat");
            t.write(names.back(), body);
        }
        CAPTURE(round);
        // ripgrep reuses a thread's buffer from file to file, so after a
        // file with a line over 64 KiB its cut-off points move: with several
        // files its answer depends on scheduling. One file per run is
        // deterministic, and is what idx computes for every file.
        for (const auto& name : names) {
            check_search_matches_rg(t, {"-n", "match", "-g", name});
            check_search_matches_rg(t, {"-c", "match", "-g", name});
            check_search_matches_rg(t, {"-l", "match", "-g", name});
        }
        check_search_matches_rg(t, {"-n", "match", names[0]});
        check_search_matches_rg(t, {"-c", "match", names[1]});
        check_search_matches_rg(t, {"-n", "match", names[2], "-g", "!*.dat", "."});
    }
}

TEST_CASE("basic search flags print what rg prints") {
    TempTree t;
    t.write("a.c", "int main(void) {\n  return CPU_count;\n}\n// percpu cpu\n");
    t.write("src/b.py", "def f():\n    pass  # TODO cpu\n\nclass Cpu:\n    x = 'a.b'\n");
    t.write("notes.txt", "nothing here\nA.B literal\n");
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"-n", "cpu"}, {"-i", "cpu"}, {"-w", "cpu"}, {"-x", "}"}, {"-F", "a.b"}, {"-c", "cpu"},
             {"-l", "cpu"}, {"-v", "-n", "cpu"}, {"-S", "Cpu"}, {"-S", "cpu"}, {"-n", "-e", "main", "-e", "class"},
             {"-n", "^\\s+\\w+"}, {"nomatch_anywhere"}, {"-n", "cpu", "a.c"}, {"-n", "cpu", "-t", "py"},
             {"-n", "--no-heading", "cpu", "src", "a.c"}, {"-N", "cpu"}, {"-n", "--heading", "cpu", "--sort", "path"},
             {"-n", "\\bcpu\\b"}, {"-n", "-i", "\\bcpu\\B"}, {"-n", "-P", "cpu(?=_)"}, {"-n", "-P", "(c)pu\\1?"},
             {"-n", "cpu(?=_)"}, {"-n", "(c)\\1"}, {"-c", "-w", "cpu|main"}}) {
        check_search_matches_rg(t, args);
    }
}

// Issue #4, item 4: with an index, answers stay ripgrep's even for files
// changed, added or deleted since it was built.
TEST_CASE("searching with a stale index still prints exactly what rg prints") {
    TempTree t;
    std::mt19937 rng(9);
    for (int i = 0; i < 40; ++i) {
        std::string body;
        for (int k = 0; k < 20; ++k) body += (rng() % 4 ? "plain words here" : "spin_lock_irqsave(&lock, flags);") + std::string("\n");
        t.write("d" + std::to_string(i % 4) + "/f" + std::to_string(i) + ".c", body);
    }
    t.write("big/huge.c", std::string(2000, 'x') + "\nspin_lock_irqsave\n");
    t.write("quiet.c", "plain words only\n");
    auto idx = idx::test::run_process({IDX_BINARY, "index", "--no-symbols"}, t.root(), {}, {"IDX_DB"});
    REQUIRE(idx.exit_code == 0);
    auto explain = idx::test::run_process({IDX_BINARY, "search", "--explain", "spin_lock_irqsave"}, t.root(), {}, {"IDX_DB"});
    CHECK(explain.out.find("candidates:") != std::string::npos);
    // Changes after indexing: a match added, a match removed, a file deleted, a new file.
    t.write("d0/f0.c", "now spin_lock_irqsave here\n");
    t.write("d1/f1.c", "nothing to see\n");
    REQUIRE(::unlink(t.path("d2/f2.c").c_str()) == 0);
    t.write("d3/new.c", "spin_lock_irqsave in a new file\n");
    t.write("d3/rare.c", "a rare_token_xyz\n");
    t.write("quiet.c", "plain words, then spin_lock_irqsave and rare_token_xyz\n");  // the index says no match
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"-n", "spin_lock_irqsave"}, {"-c", "spin_lock_irqsave"}, {"-l", "rare_token_xyz"},
             {"-n", "-i", "SPIN_LOCK"}, {"-n", "words|rare"}, {"-n", "x{2000}"}, {"-c", "nothing_matches_this"}}) {
        check_search_matches_rg(t, args);
    }
}

TEST_CASE("context, column, only-matching, counts and max-count print exactly what rg prints") {
    TempTree t;
    t.write("f.txt", "a1\nb2\nc3 x\nd4\ne5\nf6\ng7 x\nh8\ni9\nj10\nk11\nl12 x\n");
    t.write("g.txt", "x one\ntwo\n");
    t.write("sub/h.txt", "xx x\nno\nyes x x\n");
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"-n", "-C1", "x"}, {"-n", "-A1", "x"}, {"-n", "-B2", "x"}, {"-n", "-C1", "--heading", "x"},
             {"-n", "--column", "x|c3"}, {"-n", "--column", "-o", "x|c3"}, {"-o", "x*"}, {"-n", "-o", "-C1", "x"},
             {"-m1", "-n", "x"}, {"-m1", "-n", "-A2", "x"}, {"-c", "-m2", "x"}, {"--count-matches", "x|e"},
             {"--count-matches", "-v", "x"}, {"--files-without-match", "yes"}, {"--files-without-match", "x"},
             {"-o", "-w", "x"}, {"-n", "-v", "-C1", "x"}, {"-n", "--column", "-i", "X"}}) {
        std::vector<std::string> a = args;
        a.insert(a.end(), {"--sort", "path"});
        auto p = idx::test::run_both(t, a, "", "", "search");
        INFO("args:", idx::test::describe(a), "\nrg:\n", p.rg.out, "idx:\n", p.idx.out, "idx stderr: ", p.idx.err);
        CHECK(p.idx.out == p.rg.out);
        CHECK(p.idx.exit_code == p.rg.exit_code);
    }
}

// Issue #4, item 1: --json is ripgrep's JSON Lines, field for field (times
// and byte counts of printed output aside).
TEST_CASE("--json messages equal rg's apart from timings") {
    TempTree t;
    t.write("f.txt", "a1\nb2\nc3 x\nd4\nx last line without newline");
    t.write("bad.txt", std::string("a\xff" "b x\n", 6));
    t.write("sub/h.txt", "xx x\nno\n\"quoted\\ x\ttab\"\n");
    auto normalize = [](std::string s) {
        static const std::regex timing(R"re("elapsed(_total)?":\{[^}]*\},?|"bytes_(printed|searched)":\d+,?)re");
        return std::regex_replace(s, timing, "");
    };
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"--json", "x"}, {"--json", "-C1", "x"}, {"--json", "-i", "X|B"}, {"--json", "-w", "x"},
             {"--json", "nomatch"}, {"--json", "-m1", "x"}}) {
        std::vector<std::string> a = args;
        a.insert(a.end(), {"--sort", "path"});
        auto p = idx::test::run_both(t, a, "", "", "search");
        INFO("args:", idx::test::describe(a), "\nrg:\n", p.rg.out, "idx:\n", p.idx.out);
        CHECK(normalize(p.idx.out) == normalize(p.rg.out));
        CHECK(p.idx.exit_code == p.rg.exit_code);
    }
}

TEST_CASE("colours follow rg's defaults, and NO_COLOR or --color never turn them off") {
    TempTree t;
    t.write("f.txt", "a1\nc3 x\nd4\ng7 xx x\n");
    t.write("sub/g.txt", "x one\ntwo\n");
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"--color", "always", "-n", "x"}, {"--color", "always", "-n", "--heading", "x"},
             {"--color", "always", "-C1", "-n", "x"}, {"--color", "always", "-o", "x+"}, {"--color", "never", "x"}}) {
        std::vector<std::string> a = args;
        a.insert(a.end(), {"--sort", "path"});
        auto p = run_both(t, a, "", "", "search");
        INFO("args:", idx::test::describe(a));
        CHECK(p.idx.out == p.rg.out);
    }
    // On a terminal (a pty from script(1)), ripgrep's defaults: colour, headings, line numbers.
    auto on_tty = [&](const std::string& tool, const std::vector<std::string>& env, bool no_color) {
        return idx::test::run_process({"script", "-qec", tool + " x --sort path", "/dev/null"}, t.root(), env,
                                      no_color ? std::vector<std::string>{} : std::vector<std::string>{"NO_COLOR"});
    };
    auto rg_tty = on_tty("rg", {"TERM=xterm"}, false);
    auto idx_tty = on_tty(std::string(IDX_BINARY) + " search", {"TERM=xterm"}, false);
    CHECK(idx_tty.out == rg_tty.out);
    CHECK(idx_tty.out.find("\x1b[") != std::string::npos);
    auto plain = on_tty(std::string(IDX_BINARY) + " search", {"TERM=xterm", "NO_COLOR=1"}, true);
    CHECK(plain.out.find("\x1b[") == std::string::npos);
}
