// idx watch keeps the index current so that a search at the root skips its
// walk (issue 4: the rare-literal bar). Every answer must still equal
// ripgrep's, right after each kind of change and once the watcher has
// caught up; the test checks which path each search took (--explain), so a
// broken fast path cannot hide behind the walk.
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <functional>

#include "tests/cli/rg_compare.h"
#include "tests/support/watch_process.h"

using idx::test::run_process;
using idx::test::sorted_lines;
using idx::test::TempTree;
using idx::test::Watcher;
using idx::test::freshness;
using idx::test::vouched;
using idx::test::wait_until_vouched;
using idx::test::kWatchUnset;

namespace {

void check_search_equals_rg(const TempTree& t, const std::vector<std::string>& args, const std::string& when) {
    auto p = idx::test::run_both(t, args, "", "", "search");
    INFO(when, ":", idx::test::describe(args), "\nrg:\n", p.rg.out, p.rg.err, "idx:\n", p.idx.out, p.idx.err);
    CHECK(sorted_lines(p.idx.out) == sorted_lines(p.rg.out));
    CHECK(p.idx.exit_code == p.rg.exit_code);
}

void write_project(const TempTree& t) {
    t.git_repo();
    t.write(".gitignore", "*.o\nbuild/\n");
    t.write("src/main.c", "int main(void) { return needle(); }\n");
    t.write("src/lib/needle.c", "int needle(void) { return 42; }\n");
    t.write("src/lib/other.c", "int other(void) { return 1; }\n");
    t.write("docs/readme.txt", "nothing to see\n");
    t.write("build/out.c", "needle in the build folder\n");
}

const std::vector<std::vector<std::string>> kQueries{
    {"-n", "needle"}, {"-c", "needle"}, {"-l", "ne+dle"}, {"-n", "-i", "NEEDLE"}, {"-n", "haystack"}, {"-n", "-w", "x"}};

void check_all(const TempTree& t, const std::string& when) {
    for (const auto& q : kQueries) check_search_equals_rg(t, q, when);
}

}  // namespace

TEST_CASE("with idx watch running, a search skips the walk and equals rg after every kind of change (issue 4)") {
    TempTree t;
    write_project(t);
    Watcher w(t);
    REQUIRE_MESSAGE(wait_until_vouched(t), w.log());
    check_all(t, "at start");

    // Each change is checked at once (the watcher has not caught up: the
    // search walks) and again once the watcher vouches (no walk).
    const std::vector<std::pair<std::string, std::function<void()>>> changes{
        {"a file's content changes", [&] { t.write("src/lib/other.c", "int other(void) { return needle(); }\n"); }},
        {"a file is added", [&] { t.write("src/new.c", "needle haystack\n"); }},
        {"a file is deleted", [&] { REQUIRE(unlink(t.path("src/lib/needle.c").c_str()) == 0); }},
        {"a folder with files is added", [&] { t.write("src/deep/er/a.c", "x needle x\n"); }},
        {"a file is added to that new folder", [&] { t.write("src/deep/er/b.c", "another needle\n"); }},
        {"a folder is renamed", [&] { REQUIRE(rename(t.path("src/deep").c_str(), t.path("src/moved").c_str()) == 0); }},
        {"a file in the renamed folder changes", [&] { t.write("src/moved/er/a.c", "x haystack x\n"); }},
        {"an ignored file appears", [&] { t.write("src/x.o", "needle object\n"); }},
        {"the ignore rules change", [&] { t.write(".gitignore", "*.c\n"); }},
        {"the ignore rules change back", [&] { t.write(".gitignore", "*.o\n"); }},
        {"a hidden file appears", [&] { t.write("src/.hidden.c", "needle hidden\n"); }},
        {"a file is emptied", [&] { t.write("src/main.c", ""); }},
    };
    for (const auto& step : changes) {
        const std::string what = step.first;  // a copy: clang 14's doctest lambdas cannot capture a binding
        step.second();
        check_all(t, what + " (at once)");
        REQUIRE_MESSAGE(wait_until_vouched(t), what, "\n", w.log());
        check_all(t, what + " (watcher caught up)");
    }
    CHECK(w.stop(SIGTERM) == 0);
    CHECK(freshness(t).find("no idx watch is running") != std::string::npos);
    check_all(t, "after the watcher stopped");
}

TEST_CASE("searches that idx watch cannot vouch for walk: PATH arguments, -g, -t, other flags, a subfolder") {
    TempTree t;
    write_project(t);
    Watcher w(t);
    REQUIRE_MESSAGE(wait_until_vouched(t), w.log());
    auto why = [&](std::vector<std::string> args, const std::string& cwd = "") {
        std::vector<std::string> argv{IDX_BINARY, "search", "--explain", "needle"};
        argv.insert(argv.end(), args.begin(), args.end());
        return run_process(argv, cwd.empty() ? t.root() : t.path(cwd), idx::test::isolated_env(t), kWatchUnset).out;
    };
    CHECK(why({"src"}).find("PATH arguments") != std::string::npos);
    CHECK(why({"-g", "*.c"}).find("-g and -t") != std::string::npos);
    CHECK(why({"-t", "c"}).find("-g and -t") != std::string::npos);
    CHECK(why({"--hidden"}).find("other flags") != std::string::npos);
    CHECK(why({}, "src").find("not run at the index root") != std::string::npos);
    CHECK(why({"--no-index"}).find("--no-index") != std::string::npos);
    CHECK(why({"--no-watch"}).find("--no-watch") != std::string::npos);
    CHECK(why({"-L"}).find("-L is walked") != std::string::npos);
    CHECK(why({}).find("vouches") != std::string::npos);
    // A hidden file and an ignored one that -g and -t select (they are not
    // in the index): the walk finds them as rg does.
    t.write("src/.dot.c", "needle\n");
    t.write("src/y.o", "needle\n");
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"-n", "needle", "-g", "*.o"}, {"-n", "needle", "-t", "c"}, {"-n", "needle", "--hidden"}, {"needle", "src"}}) {
        check_search_equals_rg(t, args, "not vouched");
    }
}

TEST_CASE("an index updated by idx index since the watcher's last update is not vouched for") {
    TempTree t;
    write_project(t);
    Watcher w(t, {"--settle-ms", "60000"});  // after its first update, the watcher waits a minute to update
    REQUIRE_MESSAGE(wait_until_vouched(t), w.log());
    // `idx index` may walk with other flags: the index it writes is not the
    // one the watcher vouched for.
    REQUIRE(run_process({IDX_BINARY, "index", "--hidden"}, t.root(), idx::test::isolated_env(t), kWatchUnset).exit_code == 0);
    CHECK(freshness(t).find("updated since") != std::string::npos);
    check_all(t, "after idx index --hidden");
    // A change the watcher has seen but not indexed yet: dirty.
    t.write("src/new.c", "needle\n");
    CHECK(freshness(t).find("changes not indexed yet") != std::string::npos);
    check_all(t, "while the watcher waits");
}

TEST_CASE("a walk that reports a problem (a bad ignore line) is not vouched for until a clean walk (review)") {
    TempTree t;
    write_project(t);
    Watcher w(t);
    REQUIRE_MESSAGE(wait_until_vouched(t), w.log());
    // rg prints a warning for the bad line on every search; an index whose
    // walk met it must not let a search skip that walk.
    t.write(".ignore", "a[\n");
    bool settled = false;
    for (int i = 0; i < 300 && !settled; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
        settled = freshness(t).find("reported problems") != std::string::npos && w.log().find("a[") != std::string::npos;
    }
    CHECK_MESSAGE(settled, w.log());
    CHECK(!vouched(t));
    check_all(t, "bad ignore line");
    t.write(".ignore", "build/\n");
    CHECK_MESSAGE(wait_until_vouched(t), w.log());
    check_all(t, "ignore line mended");
}

TEST_CASE("a second idx watch of the same index, and bad arguments, get one line and exit 2") {
    TempTree t;
    write_project(t);
    Watcher w(t);
    REQUIRE_MESSAGE(wait_until_vouched(t), w.log());
    auto second = run_process({IDX_BINARY, "watch"}, t.root(), idx::test::isolated_env(t), kWatchUnset);
    CHECK(second.exit_code == 2);
    CHECK(second.err.find("another idx watch") != std::string::npos);
    CHECK(std::count(second.err.begin(), second.err.end(), '\n') == 1);
    for (const auto& args : std::vector<std::vector<std::string>>{
             {IDX_BINARY, "watch", "/nonexistent/tree"}, {IDX_BINARY, "watch", "--settle-ms", "-5"},
             {IDX_BINARY, "watch", "--max-filesize", "12Q"}, {IDX_BINARY, "watch", "--bogus"}}) {
        auto r = run_process(args, t.root(), idx::test::isolated_env(t), kWatchUnset);
        INFO(idx::test::describe(args), r.err);
        CHECK(r.exit_code == 2);
        CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
    }
    CHECK(vouched(t));  // the running watcher is untouched
}

TEST_CASE("a dead watcher's socket, or something else at its path, is never trusted") {
    TempTree t;
    write_project(t);
    {
        Watcher w(t);
        REQUIRE_MESSAGE(wait_until_vouched(t), w.log());
        w.stop(SIGKILL);  // leaves its socket file behind
    }
    CHECK(freshness(t).find("no idx watch is running") != std::string::npos);
    t.write("src/late.c", "needle\n");
    check_all(t, "stale socket");
    // A listener that is not idx watch (it never answers): the search walks
    // after a short wait instead of hanging.
    const std::string sock_path = t.path(".idx/index.db-watch.sock");
    unlink(sock_path.c_str());
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    REQUIRE(fd >= 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    REQUIRE(sock_path.size() < sizeof addr.sun_path);
    std::memcpy(addr.sun_path, sock_path.c_str(), sock_path.size() + 1);
    REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    REQUIRE(listen(fd, 4) == 0);
    CHECK(freshness(t).find("no idx watch is running") != std::string::npos);
    check_all(t, "silent listener");
    close(fd);
    // A new watcher replaces the stale socket.
    Watcher again(t);
    CHECK_MESSAGE(wait_until_vouched(t), again.log());
}
