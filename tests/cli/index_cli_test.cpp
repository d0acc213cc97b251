// idx index and idx status through the real binary: bad index files, locks,
// and crashes at random moments (issue #3, items 7 and 8).
#include <doctest/doctest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

#include "tests/support/index_check.h"
#include "tests/support/process.h"
#include "tests/support/temp_tree.h"

using idx::test::ProcessResult;
using idx::test::run_process;
using idx::test::TempTree;
using idx::test::exec_sql;
using idx::test::integrity;
using idx::test::spawn_idx;

namespace {

std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

int lines(const std::string& s) { return static_cast<int>(std::count(s.begin(), s.end(), '\n')); }

ProcessResult run_idx(const TempTree& t, std::vector<std::string> args) {
    args.insert(args.begin(), IDX_BINARY);
    return run_process(args, t.root(), {"HOME=" + t.path(".home")}, {"IDX_DB"});
}

void populate(const TempTree& t, int n, int seed) {
    std::mt19937 rng(static_cast<unsigned>(seed));
    for (int i = 0; i < n; ++i) {
        std::string body;
        for (int k = 0; k < 50; ++k) body += "line " + std::to_string(rng()) + " spin_lock_irqsave\n";
        t.write("d" + std::to_string(i % 17) + "/f" + std::to_string(i) + ".c", body);
    }
}

// Starts idx in `dir` without waiting, output discarded; the caller reaps it.
}  // namespace

TEST_CASE("idx index then idx status reports the files and the changes since") {
    TempTree t;
    populate(t, 30, 1);
    auto r = run_idx(t, {"index"});
    REQUIRE(r.exit_code == 0);
    CHECK(r.err.find("30 files") != std::string::npos);
    t.write("new.c", "int x;\n");
    auto s = run_idx(t, {"status"});
    CHECK(s.exit_code == 0);
    CHECK(s.out.find("files:    30") != std::string::npos);
    CHECK(s.out.find("new.c") != std::string::npos);
    auto j = run_idx(t, {"status", "--json"});
    CHECK(j.exit_code == 0);
    CHECK(j.out.find("\"added\":[\"new.c\"]") != std::string::npos);
    auto sub = run_process({IDX_BINARY, "status", "--no-check"}, t.path("d3"), {}, {"IDX_DB"});
    CHECK(sub.exit_code == 0);  // found by walking up
}

TEST_CASE("a file that is not an idx index is never overwritten, even with --rebuild") {
    TempTree t;
    populate(t, 3, 2);
    t.write(".idx/index.db", "precious user data\n");
    for (const auto& args : std::vector<std::vector<std::string>>{{"index"}, {"index", "--rebuild"}, {"status"}}) {
        auto r = run_idx(t, args);
        INFO(args[0], " ", r.err);
        CHECK(r.exit_code == 2);
        CHECK(lines(r.err) == 1);
        CHECK(r.err.find("not an idx index") != std::string::npos);
    }
    CHECK(slurp(t.path(".idx/index.db")) == "precious user data\n");
}

TEST_CASE("a corrupt index gives a one-line error and is left alone") {
    TempTree t;
    populate(t, 40, 3);
    REQUIRE(run_idx(t, {"index"}).exit_code == 0);
    std::string bytes = slurp(t.path(".idx/index.db"));
    REQUIRE(bytes.size() > 20000);
    for (size_t i = 4096; i < bytes.size(); i += 97) bytes[i] = static_cast<char>(bytes[i] ^ 0x5a);
    std::ofstream(t.path(".idx/index.db"), std::ios::binary) << bytes;
    for (const auto& args : std::vector<std::vector<std::string>>{{"status"}, {"index"}}) {
        auto r = run_idx(t, args);
        INFO(args[0], " ", r.err);
        CHECK(r.exit_code == 2);
        CHECK(lines(r.err) == 1);
    }
    CHECK(slurp(t.path(".idx/index.db")) == bytes);
}

// Regression (issue #7): index_file_fuzz found that a non-numeric update
// time in meta made `idx status` (and the MCP status tool) abort on an
// uncaught std::stoll exception.
TEST_CASE("an index whose update time is not a number gives one line and exit 2, not a crash") {
    TempTree t;
    populate(t, 5, 4);
    REQUIRE(run_idx(t, {"index"}).exit_code == 0);
    exec_sql(t.path(".idx/index.db"), "UPDATE meta SET value = 'x1' WHERE key = 'updated_ns'");
    auto r = run_idx(t, {"status"});
    CHECK(r.exit_code == 2);
    CHECK(lines(r.err) == 1);
    CHECK(r.err.find("--rebuild") != std::string::npos);
}

TEST_CASE("an index whose next file id is not a number gives one line and exit 2 on update, not a crash") {
    TempTree t;
    populate(t, 5, 4);
    REQUIRE(run_idx(t, {"index"}).exit_code == 0);
    exec_sql(t.path(".idx/index.db"), "UPDATE meta SET value = '7z' WHERE key = 'next_file_id'");
    t.write("new.txt", "added after the damage\n");
    auto r = run_idx(t, {"index"});
    CHECK(r.exit_code == 2);
    CHECK(lines(r.err) == 1);
    CHECK(r.err.find("next_file_id") != std::string::npos);
    CHECK(r.err.find("--rebuild") != std::string::npos);
}

TEST_CASE("an index of another schema version asks for --rebuild, which works") {
    TempTree t;
    populate(t, 5, 4);
    REQUIRE(run_idx(t, {"index"}).exit_code == 0);
    exec_sql(t.path(".idx/index.db"), "UPDATE meta SET value = '99' WHERE key = 'schema_version'");
    for (const auto& args : std::vector<std::vector<std::string>>{{"index"}, {"status"}}) {
        auto r = run_idx(t, args);
        CHECK(r.exit_code == 2);
        CHECK(lines(r.err) == 1);
        CHECK(r.err.find("idx index --rebuild") != std::string::npos);
    }
    auto r = run_idx(t, {"index", "--rebuild"});
    CHECK(r.exit_code == 0);
    CHECK(run_idx(t, {"status", "--no-check"}).exit_code == 0);
}

TEST_CASE("an index locked by another writer gets a clear error") {
    TempTree t;
    populate(t, 5, 5);
    REQUIRE(run_idx(t, {"index"}).exit_code == 0);
    t.write("more.c", "int y;\n");
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(t.path(".idx/index.db").c_str(), &db) == SQLITE_OK);
    REQUIRE(sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) == SQLITE_OK);
    auto r = run_idx(t, {"index"});
    CHECK(r.exit_code == 2);
    CHECK(lines(r.err) == 1);
    CHECK(r.err.find("another idx index is writing") != std::string::npos);
    auto s = run_idx(t, {"status", "--no-check"});  // readers are not blocked
    CHECK(s.exit_code == 0);
    sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
    sqlite3_close(db);
}

TEST_CASE("killing the indexer at random moments leaves the old or the new index") {
    TempTree t;
    populate(t, 400, 6);
    REQUIRE(run_idx(t, {"index"}).exit_code == 0);
    // Kill within the span of a real run, measured here.
    populate(t, 400, 99);
    const auto t0 = std::chrono::steady_clock::now();
    REQUIRE(run_idx(t, {"index", "--rebuild"}).exit_code == 0);
    const auto span_us = std::max<long>(
        1000, std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0).count());
    std::mt19937 rng(20261127);
    int killed_mid_run = 0;
    for (int round = 0; round < 20; ++round) {
        populate(t, 400, 100 + round);  // every file changes
        if (round % 3 == 2) t.write("extra" + std::to_string(round) + ".c", "int z;\n");
        pid_t pid = spawn_idx(t.root(), {"index", round % 2 ? "--rebuild" : "--json"});
        std::this_thread::sleep_for(
            std::chrono::microseconds(static_cast<long>(rng() % static_cast<unsigned long>(span_us * 7 / 10))));
        kill(pid, SIGKILL);
        int status = 0;
        waitpid(pid, &status, 0);
        killed_mid_run += WIFSIGNALED(status) ? 1 : 0;
        CAPTURE(round);
        CHECK(integrity(t.path(".idx/index.db")) == "ok");
        auto s = run_idx(t, {"status", "--json", "--no-check"});
        CHECK(s.exit_code == 0);
        CHECK(s.out.find("\"files\":4") != std::string::npos);  // 400 or more: a whole index, old or new
    }
    MESSAGE("killed mid-run in ", killed_mid_run, " of 20 rounds");
    CHECK(killed_mid_run >= 8);  // most rounds must really interrupt a run
}

TEST_CASE("SIGINT during the symbol pass keeps the committed content and leaves symbols pending") {
    TempTree t;
    idx::test::write_symbol_heavy_tree(t, 1500);
    pid_t pid = spawn_idx(t.root(), {"index"});
    // Wait until the content is committed (status answers), then interrupt.
    REQUIRE(idx::test::wait_for_content(t, 1500));
    kill(pid, SIGINT);
    int status = 0;
    waitpid(pid, &status, 0);
    REQUIRE(WIFEXITED(status));
    MESSAGE("idx index exited with ", WEXITSTATUS(status));
    auto s = run_idx(t, {"status", "--json", "--no-check"});
    CHECK(s.exit_code == 0);
    CHECK(s.out.find("\"files\":1500") != std::string::npos);
    if (WEXITSTATUS(status) == 130) {
        CHECK(s.out.find("\"pending\":0") == std::string::npos);  // something left to do
    } else {
        CHECK(WEXITSTATUS(status) == 0);  // the pass won the race: it finished
    }
    auto again = run_idx(t, {"index"});
    CHECK(again.exit_code == 0);
    auto done = run_idx(t, {"status", "--json", "--no-check"});
    CHECK(done.out.find("\"pending\":0") != std::string::npos);
    CHECK(integrity(t.path(".idx/index.db")) == "ok");
}

// Issue #3, item 11: an index built in one clone works in another, and no
// file is read again just because its mtime differs.
TEST_CASE("an index from one git clone is reused by another without rescanning") {
    TempTree t;
    populate(t, 50, 7);
    auto git = [&](const std::string& dir, std::vector<std::string> args) {
        args.insert(args.begin(), {"git", "-C", dir, "-c", "user.name=t", "-c", "user.email=t@t"});
        return run_process(args);
    };
    REQUIRE(git(t.root(), {"init", "-q"}).exit_code == 0);
    REQUIRE(git(t.root(), {"add", "-A"}).exit_code == 0);
    REQUIRE(git(t.root(), {"commit", "-qm", "x"}).exit_code == 0);
    auto built = run_idx(t, {"index", "--out", t.path("artifact.db")});
    REQUIRE(built.exit_code == 0);

    TempTree other;
    const std::string clone = other.path("clone");
    REQUIRE(run_process({"git", "clone", "-q", t.root(), clone}).exit_code == 0);
    ::mkdir((clone + "/.idx").c_str(), 0755);
    std::filesystem::copy_file(t.path("artifact.db"), clone + "/.idx/index.db");
    auto r = run_process({IDX_BINARY, "index", "--json"}, clone, {}, {"IDX_DB"});
    INFO(r.out, r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find("\"bytes_read\":0") != std::string::npos);
    CHECK(r.out.find("\"added\":0") != std::string::npos);
    CHECK(r.out.find("\"changed\":0") != std::string::npos);
    CHECK(r.out.find("\"touched\":50") != std::string::npos);
    auto s = run_process({IDX_BINARY, "status", "--json"}, clone, {}, {"IDX_DB"});
    CHECK(s.out.find("\"modified\":[]") != std::string::npos);

    // A real change in the clone is still seen.
    std::ofstream(clone + "/d0/f0.c", std::ios::app) << "changed\n";
    auto again = run_process({IDX_BINARY, "index", "--json"}, clone, {}, {"IDX_DB"});
    CHECK(again.out.find("\"changed\":1") != std::string::npos);
}

TEST_CASE("--out never overwrites a file that is not an idx index") {
    TempTree t;
    populate(t, 3, 8);
    t.write("keep.txt", "mine\n");
    auto r = run_idx(t, {"index", "--out", t.path("keep.txt")});
    CHECK(r.exit_code == 2);
    CHECK(lines(r.err) == 1);
    CHECK(slurp(t.path("keep.txt")) == "mine\n");
}

TEST_CASE("an index the user cannot write is read, and updating it gets a clear error") {
    TempTree t;
    ::chmod(t.root().c_str(), 0755);
    populate(t, 5, 9);
    REQUIRE(run_idx(t, {"index"}).exit_code == 0);
    t.write("new.c", "int n;\n");
    ::chmod(t.path("new.c").c_str(), 0644);
    for (const char* d : {"d0", "d1", "d2", "d3", "d4"}) ::chmod(t.path(d).c_str(), 0755);
    TempTree bin;  // a copy of idx that uid 65534 can run
    ::chmod(bin.root().c_str(), 0755);
    const std::string exe(IDX_BINARY);
    std::filesystem::copy_file(exe, bin.path("idx"));
    std::filesystem::copy_file(exe.substr(0, exe.rfind('/') + 1) + "idx-cli", bin.path("idx-cli"));
    std::filesystem::copy_file(exe.substr(0, exe.rfind('/') + 1) + "idx-lookup", bin.path("idx-lookup"));
    // root writes anything, so as root the index is read by another user;
    // otherwise the index and its folder lose their write bits.
    const bool root = ::geteuid() == 0;
    if (!root) {
        ::chmod(t.path(".idx/index.db").c_str(), 0444);
        ::chmod(t.path(".idx").c_str(), 0555);
    }
    auto as_nobody = [&](std::vector<std::string> args) {
        if (root) {
            args.insert(args.begin(), {"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", bin.path("idx")});
        } else {
            args.insert(args.begin(), bin.path("idx"));
        }
        return run_process(args, t.root(), {"HOME=/nonexistent"}, {"IDX_DB"});
    };
    auto s = as_nobody({"status", "--json"});
    INFO(s.err);
    CHECK(s.exit_code == 0);
    CHECK(s.out.find("\"added\":[\"new.c\"]") != std::string::npos);
    auto r = as_nobody({"index"});
    INFO(r.err);
    CHECK(r.exit_code == 2);
    CHECK(lines(r.err) == 1);
    CHECK(r.err.find("readonly") != std::string::npos);
    CHECK(integrity(t.path(".idx/index.db")) == "ok");
}
