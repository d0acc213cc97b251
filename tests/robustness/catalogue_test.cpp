// The catalogue of faults and bad inputs (issue #7, item 3) that the other
// suites do not already cover; docs/ROBUSTNESS.md lists every case and its
// test. Each drives the real binary, checks the exit code and the one-line
// error, and that the index built before the case is still intact.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "tests/cli/rg_compare.h"
#include "tests/support/index_check.h"
#include "tests/support/process.h"
#include "tests/support/temp_tree.h"

using idx::test::integrity;
using idx::test::ProcessResult;
using idx::test::run_both;
using idx::test::run_process;
using idx::test::spawn_idx;
using idx::test::TempTree;

namespace {

ProcessResult idx_in(const TempTree& t, std::vector<std::string> args, std::vector<std::string> prefix = {}) {
    prefix.push_back(IDX_BINARY);
    prefix.insert(prefix.end(), args.begin(), args.end());
    return run_process(prefix, t.root(), idx::test::isolated_env(t), {"IDX_DB"});
}

size_t line_count(const std::string& s) { return static_cast<size_t>(std::count(s.begin(), s.end(), '\n')); }

// `idx search ARGS` and `rg ARGS` agree byte for byte (sorted by path).
void check_search_matches_rg(const TempTree& t, std::vector<std::string> args) {
    args.insert(args.begin(), {"--sort", "path", "-n", "--no-heading"});
    auto p = run_both(t, args, "", "", "search");
    INFO("args:", idx::test::describe(args), "\nidx stderr: ", p.idx.err.substr(0, 400), "\nrg stderr: ", p.rg.err.substr(0, 400));
    CHECK(p.idx.exit_code == p.rg.exit_code);
    CHECK(p.idx.out.size() == p.rg.out.size());
    CHECK(p.idx.out == p.rg.out);
}

// The index answers, whole: integrity_check passes and status reads it.
void check_index_intact(const TempTree& t, const std::string& expect_files) {
    CHECK(integrity(t.path(".idx/index.db")) == "ok");
    auto s = idx_in(t, {"status", "--json", "--no-check"});
    CHECK(s.exit_code == 0);
    CHECK(s.out.find("\"files\":" + expect_files + ",") != std::string::npos);
}

void write_many(const TempTree& t, const std::string& dir, int n, int seed) {
    for (int i = 0; i < n; ++i) {
        t.write(dir + "/f" + std::to_string(i) + ".c",
                "int v" + std::to_string(i) + " = " + std::to_string(seed) + ";\n" +
                    (i % 7 == 0 ? "/* catalogue_needle */\n" : "\n"));
    }
}

}  // namespace

TEST_CASE("a regex too large for Hyperscan and PCRE2 is one error line naming it, exit 2, index intact") {
    TempTree t;
    write_many(t, "src", 20, 1);
    REQUIRE(idx_in(t, {"index"}).exit_code == 0);
    for (const char* mode : {"-n", "-o", "--json", "-w"}) {  // plain, spans, spans, rewritten with -w
        auto r = idx_in(t, {"search", mode, "x{65536}"});
        INFO(mode, ": ", r.err);
        CHECK(r.exit_code == 2);
        CHECK(line_count(r.err) == 1);
        CHECK(r.err.find("'x{65536}'") != std::string::npos);  // the user's pattern, not idx's rewrite of it
        CHECK(r.out.empty());
    }
    // A large repeat Hyperscan refuses but PCRE2 takes still answers as rg does.
    t.write("src/long.txt", std::string(300, 'a') + "\n");
    check_search_matches_rg(t, {"a{300}"});
    check_index_intact(t, "20");
}

TEST_CASE("a 1 GB file is searched like ripgrep and recorded by the index as too large") {
    TempTree t;
    std::string block;
    while (block.size() < (size_t{1} << 20) - 64) block += "filler text of the one gigabyte file\n";
    block.resize((size_t{1} << 20) - 1, 'z');
    block += '\n';
    const int fd = ::open(t.path("huge.txt").c_str(), O_CREAT | O_WRONLY | O_TRUNC, 0644);
    REQUIRE(fd >= 0);
    for (int i = 0; i < 1024; ++i) {
        std::string b = block;
        if (i == 0 || i == 511 || i == 1023) b.replace(0, 17, "needle_gigabyte!\n");
        REQUIRE(::write(fd, b.data(), b.size()) == static_cast<ssize_t>(b.size()));
    }
    ::close(fd);
    t.write("small.txt", "needle_gigabyte in a small file\n");
    auto built = idx_in(t, {"index"});
    REQUIRE(built.exit_code == 0);
    auto st = idx_in(t, {"status"});
    CHECK(st.err.empty());
    CHECK(st.out.find("huge.txt") != std::string::npos);
    CHECK(st.out.find("too_large") != std::string::npos);
    check_search_matches_rg(t, {"needle_gigabyte"});
    check_index_intact(t, "2");
}

TEST_CASE("a 50 MB single-line file is indexed and searched like ripgrep") {
    TempTree t;
    std::string line;
    line.reserve(50u << 20);
    std::mt19937 rng(50);
    while (line.size() < (50u << 20)) line += "tok" + std::to_string(rng() % 100000) + ' ';
    line += "needle_at_the_end";  // no final newline
    t.write("one_line.txt", line);
    REQUIRE(idx_in(t, {"index"}).exit_code == 0);
    check_search_matches_rg(t, {"needle_at_the_end"});
    check_search_matches_rg(t, {"-o", "needle_\\w+"});
    check_search_matches_rg(t, {"-c", "tok1234 "});
    check_index_intact(t, "1");
}

TEST_CASE("directories 1,000 levels deep are walked, indexed and searched like ripgrep") {
    TempTree t;
    std::string deep;
    for (int i = 0; i < 1000; ++i) deep += (i ? "/d" : "d");
    t.write(deep + "/leaf.c", "int deep_needle(void) { return 1; }\n");
    t.write(deep.substr(0, 999) + "/mid.c", "int deep_needle_mid;\n");
    t.write("top.c", "int deep_needle_top;\n");
    REQUIRE(idx_in(t, {"index"}).exit_code == 0);
    idx::test::check_files_match_rg(t, {});
    check_search_matches_rg(t, {"deep_needle"});
    auto def = idx_in(t, {"def", "deep_needle"});
    CHECK(def.exit_code == 0);
    CHECK(def.out.find("/leaf.c:1:") != std::string::npos);
    check_index_intact(t, "3");
}

TEST_CASE("100,000 files in one directory are indexed and searched like ripgrep") {
    TempTree t;
    t.mkdir("wide");
    for (int i = 0; i < 100000; ++i) {
        const std::string body = i % 9973 == 0 ? "wide_needle " + std::to_string(i) + "\n" : "x\n";
        const int fd = ::open(t.path("wide/f" + std::to_string(i) + ".txt").c_str(), O_CREAT | O_WRONLY, 0644);
        REQUIRE(fd >= 0);
        REQUIRE(::write(fd, body.data(), body.size()) == static_cast<ssize_t>(body.size()));
        ::close(fd);
    }
    REQUIRE(idx_in(t, {"index"}).exit_code == 0);
    auto files = idx_in(t, {"files"});
    CHECK(line_count(files.out) == 100000);
    check_search_matches_rg(t, {"wide_needle"});
    check_index_intact(t, "100000");
}

TEST_CASE("files deleted, truncated and rewritten while idx index runs never break the index") {
    TempTree t;
    write_many(t, "src", 300, 1);
    REQUIRE(idx_in(t, {"index"}).exit_code == 0);
    std::atomic<bool> stop{false};
    std::thread churn([&] {
        std::mt19937 rng(3);
        while (!stop.load()) {
            const std::string rel = "src/f" + std::to_string(rng() % 300) + ".c";
            switch (rng() % 3) {
                case 0: ::unlink(t.path(rel).c_str()); break;
                case 1: (void)!::truncate(t.path(rel).c_str(), 0); break;
                default: t.write(rel, "int rewritten = " + std::to_string(rng()) + ";\n/* catalogue_needle */\n");
            }
        }
    });
    int runs_ok = 0;
    for (int round = 0; round < 6; ++round) {
        auto r = idx_in(t, {"index"});
        INFO("round ", round, ": ", r.err);
        CHECK(r.exit_code == 0);
        runs_ok += r.exit_code == 0;
        CHECK(integrity(t.path(".idx/index.db")) == "ok");
    }
    stop = true;
    churn.join();
    CHECK(runs_ok == 6);
    // Once the tree is still, one more run makes the index exact again.
    REQUIRE(idx_in(t, {"index"}).exit_code == 0);
    check_search_matches_rg(t, {"catalogue_needle"});
    check_search_matches_rg(t, {"-c", "rewritten"});
    auto st = idx_in(t, {"status", "--json"});
    CHECK(st.exit_code == 0);
    CHECK(st.out.find("\"changed_since\":{\"modified\":[],\"added\":[],\"deleted\":[]}") != std::string::npos);
}

TEST_CASE("disk full while indexing (a file size limit) is one error line, exit 2, and the old index stays") {
    TempTree t;
    write_many(t, "src", 100, 1);
    REQUIRE(idx_in(t, {"index"}).exit_code == 0);
    write_many(t, "more", 400, 2);  // the update needs far more than the limit below
    auto r = idx_in(t, {"index"}, {"prlimit", "--fsize=65536", "--"});
    INFO("stderr: ", r.err);
    CHECK(r.exit_code == 2);
    CHECK(line_count(r.err) == 1);
    check_index_intact(t, "100");
    check_search_matches_rg(t, {"catalogue_needle"});  // fresh files are still searched
    REQUIRE(idx_in(t, {"index"}).exit_code == 0);     // with room again, the update goes through
    check_index_intact(t, "500");
}

TEST_CASE("SIGTERM during idx index keeps what was committed and exits 143") {
    TempTree t;
    idx::test::write_symbol_heavy_tree(t, 1500);
    pid_t pid = spawn_idx(t.root(), {"index"});
    REQUIRE(idx::test::wait_for_content(t, 1500));
    int status = 0;
    const bool still_running = waitpid(pid, &status, WNOHANG) == 0;
    kill(pid, SIGTERM);
    if (still_running) waitpid(pid, &status, 0);
    REQUIRE(WIFEXITED(status));
    MESSAGE("idx index exited with ", WEXITSTATUS(status), still_running ? "" : " before the signal");
    CHECK((WEXITSTATUS(status) == 143 || WEXITSTATUS(status) == 0));  // 0: the pass won the race
    check_index_intact(t, "1500");
    REQUIRE(idx_in(t, {"index"}).exit_code == 0);
    check_index_intact(t, "1500");
}

TEST_CASE("SIGINT and SIGTERM stop a long search promptly and leave the index intact") {
    TempTree t;
    std::string body;
    for (int k = 0; k < 2000; ++k) body += "some words on a line of text number " + std::to_string(k) + "\n";
    for (int i = 0; i < 600; ++i) t.write("d" + std::to_string(i % 10) + "/f" + std::to_string(i) + ".txt", body);
    REQUIRE(idx_in(t, {"index", "--no-symbols"}).exit_code == 0);
    for (int sig : {SIGINT, SIGTERM}) {
        // A slow pattern with no literal: every file is read and verified.
        pid_t pid = spawn_idx(t.root(), {"search", "-c", "(\\w+\\s+){6}\\d+$"});
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        const auto sent = std::chrono::steady_clock::now();
        kill(pid, sig);
        int status = 0;
        waitpid(pid, &status, 0);
        const auto took = std::chrono::steady_clock::now() - sent;
        INFO("signal ", sig);
        CHECK(took < std::chrono::seconds(2));
        // Killed by the signal (rg's behaviour too), or exited 128 + it.
        CHECK(((WIFSIGNALED(status) && WTERMSIG(status) == sig) ||
               (WIFEXITED(status) && (WEXITSTATUS(status) == 128 + sig || WEXITSTATUS(status) == 0))));
        check_index_intact(t, "600");
    }
}
