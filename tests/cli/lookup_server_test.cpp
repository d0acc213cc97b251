// idx watch answers lookups (def, refs, sym, outline) for the `idx` client
// (cli/lookup_channel.h): the same bytes and exit codes as the lookup run
// by idx-lookup, for every outcome, and a client or a socket that does not
// follow the protocol never gets an answer twice, never hangs a lookup and
// never stops the watcher from answering the next one (issue 5: lookups
// no slower than readtags).
#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <memory>
#include <thread>
#include <string>
#include <vector>

#include "tests/cli/rg_compare.h"
#include "tests/support/child.h"
#include "tests/support/watch_process.h"

using idx::test::kWatchUnset;
using idx::test::ProcessResult;
using idx::test::run_process;
using idx::test::TempTree;
using idx::test::wait_until_vouched;
using idx::test::Watcher;

namespace lookup_server_test {

void write_lookup_project(const TempTree& t) {
    t.git_repo();
    t.write("src/lib/needle.c", "int needle(int x)\n{\n    return x + 1;\n}\n\nstruct haystack { int straw; };\n");
    t.write("src/main.c", "int needle(int x);\nint main(void)\n{\n    return needle(41);\n}\n");
    t.write("tools/needle.py", "class Needle:\n    def point(self):\n        return needle_point()\n");
}

ProcessResult lookup(const TempTree& t, const std::vector<std::string>& args, const std::string& cwd_rel = "") {
    std::vector<std::string> argv{IDX_BINARY};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_process(argv, cwd_rel.empty() ? t.root() : t.path(cwd_rel), idx::test::isolated_env(t), kWatchUnset);
}

// idx-lookup, beside idx: the same lookup run locally while a watcher runs.
ProcessResult run_locally(const TempTree& t, const std::vector<std::string>& args, const std::vector<std::string>& env = {}) {
    const std::string exe(IDX_BINARY);
    std::vector<std::string> argv{exe.substr(0, exe.rfind('/') + 1) + "idx-lookup"};
    argv.insert(argv.end(), args.begin(), args.end());
    std::vector<std::string> e = idx::test::isolated_env(t);
    e.insert(e.end(), env.begin(), env.end());
    return run_process(argv, t.root(), e, kWatchUnset);
}

struct Case {
    std::vector<std::string> args;
    std::string cwd_rel;
};

const std::vector<Case> kCases{
    {{"def", "needle"}, ""},
    {{"def", "needle"}, "src/lib"},
    {{"def", "needle"}, "tools"},
    {{"def", "--json", "needle"}, ""},
    {{"def", "--kind", "function", "--lang", "c", "needle"}, ""},
    {{"def", "--path", "src/**", "needle"}, ""},
    {{"def", "no_such_name"}, ""},
    {{"def", ""}, ""},
    {{"def", "--lang", "cobol", "needle"}, ""},
    {{"def", "--path", "[", "needle"}, ""},
    {{"def", "--bogus", "needle"}, ""},
    {{"def", "--help"}, ""},
    {{"refs", "needle"}, ""},
    {{"refs", "needle"}, "src"},
    {{"refs", "--json", "needle"}, ""},
    {{"sym", "ndl"}, ""},
    {{"sym", "--limit", "1", "hay"}, ""},
    {{"sym", "--explain", "ndl"}, ""},
    {{"sym", "--limit", "0", "x"}, ""},
    {{"sym", "--limit", "-1", "x"}, ""},
    {{"outline", "src/lib/needle.c"}, ""},
    {{"outline", "needle.c"}, "src/lib"},
    {{"outline", "--json", "tools/needle.py"}, ""},
    {{"outline", "missing.c"}, ""},
    {{"outline", "/etc/passwd"}, ""},
};

std::string describe(const Case& c) { return idx::test::describe(c.args) + " in '" + c.cwd_rel + "'"; }

// The one number in the watcher's "answered N lookups" line (0 if none).
int answered(const std::string& log) {
    const auto at = log.find("answered ");
    return at == std::string::npos ? 0 : std::stoi(log.substr(at + 9));
}

std::string version() {
    auto v = run_process({IDX_BINARY, "--version"});
    return v.out.substr(4, v.out.size() - 5);  // "idx 0.1.0\n"
}

sockaddr_un unix_address(const std::string& path) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    REQUIRE(path.size() < sizeof addr.sun_path);
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    return addr;
}

// A fake server's side of the protocol up to the descriptors: reads the
// request, says "run", reads "go" (with the descriptors, left unread).
void take_request(int c) {
    char buf[70000];
    (void)!recv(c, buf, sizeof buf, 0);
    (void)!send(c, "run", 3, 0);
    (void)!recv(c, buf, sizeof buf, 0);
}

// A connected client of the watcher's lookup socket, for protocol tests.
int connect_lookup_socket(const TempTree& t) {
    const std::string path = t.path(".idx/index.db-lookup.sock");
    int fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
    REQUIRE(fd >= 0);
    const sockaddr_un addr = unix_address(path);
    REQUIRE(connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0);
    timeval tv{3, 0};  // a test must not hang on a missing reply
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    return fd;
}

std::string request(const TempTree& t, const std::string& magic, const std::string& db,
                    const std::vector<std::string>& args) {
    std::string m = magic;
    m += '\0';
    for (const std::string& s : {t.root(), db, t.root(), std::string("0")}) m.append(s).push_back('\0');
    for (const auto& a : args) m.append(a).push_back('\0');
    return m;
}

// The next message ("" when the server closed the connection or timed out).
std::string next_message(int fd) {
    char buf[256];
    const ssize_t n = recv(fd, buf, sizeof buf, 0);
    return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
}

bool send_with_fds(int fd, const std::string& payload, const std::vector<int>& fds) {
    iovec iov{const_cast<char*>(payload.data()), payload.size()};
    std::vector<char> control(CMSG_SPACE(sizeof(int) * (fds.empty() ? 1 : fds.size())));
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    if (!fds.empty()) {
        msg.msg_control = control.data();
        msg.msg_controllen = control.size();
        cmsghdr* c = CMSG_FIRSTHDR(&msg);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int) * fds.size());
        std::memcpy(CMSG_DATA(c), fds.data(), sizeof(int) * fds.size());
    }
    return sendmsg(fd, &msg, MSG_NOSIGNAL) == static_cast<ssize_t>(payload.size());
}

// A listener at the lookup socket's path that runs `serve` on the first
// client, in a forked process (killed at the end of the scope).
class FakeServer {
public:
    template <class F>
    FakeServer(const TempTree& t, F serve) {
        const std::string path = t.path(".idx/index.db-lookup.sock");
        unlink(path.c_str());
        int fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
        REQUIRE(fd >= 0);
        const sockaddr_un addr = unix_address(path);
        REQUIRE(bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0);
        REQUIRE(listen(fd, 4) == 0);
        pid_ = fork();
        REQUIRE(pid_ >= 0);
        if (pid_ == 0) {
            const int client = accept(fd, nullptr, nullptr);
            serve(client);
            pause();
            _exit(0);
        }
        close(fd);
        path_ = path;
    }
    ~FakeServer() {
        kill(pid_, SIGKILL);
        waitpid(pid_, nullptr, 0);
        unlink(path_.c_str());
    }

private:
    pid_t pid_ = -1;
    std::string path_;
};

}  // namespace lookup_server_test

namespace ls = lookup_server_test;

TEST_CASE("with idx watch running, every lookup prints the same bytes and exit code as idx-lookup, and the watcher ran them") {
    TempTree t;
    ls::write_lookup_project(t);
    REQUIRE(ls::lookup(t, {"index"}).exit_code == 0);
    std::vector<ProcessResult> local;
    for (const auto& c : ls::kCases) local.push_back(ls::lookup(t, c.args, c.cwd_rel));
    // The cases cover every outcome: found, none, usage error, bad input.
    for (int code : {0, 1, 2}) {
        CHECK(std::count_if(local.begin(), local.end(), [&](const ProcessResult& r) { return r.exit_code == code; }) > 0);
    }

    // A command line too big for one request (over 64 KB): the client runs
    // it itself, so the watcher never counts it.
    const std::vector<std::string> big{"def", std::string(70000, 'q')};
    const ProcessResult local_big = ls::lookup(t, big);

    Watcher w(t);
    REQUIRE_MESSAGE(wait_until_vouched(t), w.log());
    const ProcessResult served_big = ls::lookup(t, big);
    CHECK(served_big.out == local_big.out);
    CHECK(served_big.err == local_big.err);
    CHECK(served_big.exit_code == local_big.exit_code);
    for (size_t i = 0; i < ls::kCases.size(); ++i) {
        const ProcessResult served = ls::lookup(t, ls::kCases[i].args, ls::kCases[i].cwd_rel);
        INFO(ls::describe(ls::kCases[i]), "\nlocal:\n", local[i].out, local[i].err, "served:\n", served.out, served.err);
        CHECK(served.out == local[i].out);
        CHECK(served.err == local[i].err);
        CHECK(served.exit_code == local[i].exit_code);
    }
    // An index changed under the watcher: the next lookup sees it.
    t.write("src/later.c", "int needle_later(void) { return 2; }\n");
    REQUIRE(ls::lookup(t, {"index"}).exit_code == 0);
    const ProcessResult later = ls::lookup(t, {"def", "needle_later"});
    CHECK(later.exit_code == 0);
    CHECK(later.out.rfind("src/later.c:1:5: function needle_later", 0) == 0);
    CHECK(w.stop(SIGINT) == 0);
    CHECK_MESSAGE(ls::answered(w.log()) == static_cast<int>(ls::kCases.size()) + 1, w.log());
}

TEST_CASE("a lookup piped into a reader that quits early ends quietly in the watcher, which answers the next one") {
    TempTree t;
    for (int i = 0; i < 2000; ++i) t.write("src/f" + std::to_string(i) + ".c", "int needle(void);\nint g(void) { return needle(); }\n");
    REQUIRE(ls::lookup(t, {"index"}).exit_code == 0);
    const ProcessResult local = ls::lookup(t, {"refs", "needle"});
    REQUIRE(local.exit_code == 0);
    REQUIRE(std::count(local.out.begin(), local.out.end(), '\n') >= 2000);  // more than a pipe holds
    Watcher w(t);
    REQUIRE_MESSAGE(wait_until_vouched(t), w.log());
    auto head = run_process({"sh", "-c", std::string("{ '") + IDX_BINARY + "' refs needle; echo rc=$? >&2; } | head -1"},
                            t.root(), idx::test::isolated_env(t), kWatchUnset);
    CHECK(head.err == "rc=0\n");  // idx's own exit code: the watcher's, whose output ended quietly
    CHECK(head.out.find("needle") != std::string::npos);
    CHECK(std::count(head.out.begin(), head.out.end(), '\n') == 1);
    const ProcessResult next = ls::lookup(t, {"refs", "needle"});
    CHECK(next.exit_code == 0);
    CHECK(next.out == local.out);
    CHECK(w.stop(SIGINT) == 0);
    CHECK_MESSAGE(ls::answered(w.log()) == 2, w.log());
}

TEST_CASE("clients that break the lookup protocol get no answer, and the watcher answers the next lookup") {
    TempTree t;
    ls::write_lookup_project(t);
    REQUIRE(ls::lookup(t, {"index"}).exit_code == 0);
    Watcher w(t);
    REQUIRE_MESSAGE(wait_until_vouched(t), w.log());
    const std::string magic = "idx-lookup/1 " + ls::version();
    const std::string db = t.path(".idx/index.db");
    const std::vector<std::string> def{"def", "needle"};

    SUBCASE("garbage, another version, another index or root, relative paths and missing arguments are declined") {
        TempTree other;
        other.write("x", "");
        std::string forged_root = ls::request(t, magic, db, def);
        const std::string root_part = std::string(1, '\0') + t.root() + '\0' + "0" + '\0';
        forged_root.replace(forged_root.find(root_part), root_part.size(), std::string(1, '\0') + other.root() + '\0' + "0" + '\0');
        for (const std::string& m : {std::string("hello"), std::string("\0\0\0", 3), ls::request(t, "idx-lookup/0 0.0.0", db, def),
                                     ls::request(t, magic, other.path("x"), def), ls::request(t, magic, "relative.db", def),
                                     ls::request(t, magic, db, {}), forged_root}) {
            const int fd = ls::connect_lookup_socket(t);
            CHECK(send(fd, m.data(), m.size(), MSG_NOSIGNAL) >= 0);
            CHECK(ls::next_message(fd) == "no");
            close(fd);
        }
        // Too big to read whole: the connection is closed at once.
        const std::string big = ls::request(t, magic, db, {"def", std::string(70000, 'a')});
        const int fd = ls::connect_lookup_socket(t);
        CHECK(send(fd, big.data(), big.size(), MSG_NOSIGNAL) >= 0);
        const auto start = std::chrono::steady_clock::now();
        CHECK(ls::next_message(fd).empty());
        CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(2));
        close(fd);
    }
    SUBCASE("a client that never sends its descriptors, or sends none, one or three, gets no answer") {
        int pipe_fds[2];
        REQUIRE(pipe2(pipe_fds, O_NONBLOCK) == 0);  // a leaked write end fails the read below instead of hanging
        for (const std::vector<int>& fds : {std::vector<int>{}, {pipe_fds[1]}, {pipe_fds[1], 2, 2}}) {
            const int fd = ls::connect_lookup_socket(t);
            const std::string m = ls::request(t, magic, db, def);
            REQUIRE(send(fd, m.data(), m.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(m.size()));
            CHECK(ls::next_message(fd) == "run");
            CHECK(ls::send_with_fds(fd, "go", fds));
            const auto start = std::chrono::steady_clock::now();
            CHECK(ls::next_message(fd).empty());  // closed without "started"
            CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(2));
            close(fd);
        }
        // A client that goes silent after "run": dropped within the timeout.
        const int fd = ls::connect_lookup_socket(t);
        const std::string m = ls::request(t, magic, db, def);
        REQUIRE(send(fd, m.data(), m.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(m.size()));
        CHECK(ls::next_message(fd) == "run");
        const auto start = std::chrono::steady_clock::now();
        CHECK(ls::next_message(fd).empty());
        CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(3));
        close(fd);
        close(pipe_fds[1]);
        char c;
        CHECK(read(pipe_fds[0], &c, 1) == 0);  // nothing was written to the pipe
        close(pipe_fds[0]);
    }
    // Both workers held by clients that stall after "run": idx runs the
    // lookup itself after its short wait, and the answer is the same.
    SUBCASE("when every worker is busy, idx runs the lookup itself") {
        std::vector<int> stalled;
        for (int i = 0; i < 2; ++i) {
            stalled.push_back(ls::connect_lookup_socket(t));
            const std::string m = ls::request(t, magic, db, def);
            REQUIRE(send(stalled.back(), m.data(), m.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(m.size()));
            CHECK(ls::next_message(stalled.back()) == "run");
        }
        const ProcessResult r = ls::lookup(t, def);
        CHECK(r.exit_code == 0);
        CHECK(r.out == ls::run_locally(t, def).out);
        for (int fd : stalled) close(fd);
    }
    const ProcessResult after = ls::lookup(t, def);
    CHECK(after.exit_code == 0);
    CHECK(after.out ==
          "src/lib/needle.c:1:5: function needle  int needle(int x)\nsrc/main.c:1:5: prototype needle  int needle(int x);\n");
    CHECK(w.stop(SIGINT) == 0);
    CHECK_MESSAGE(ls::answered(w.log()) == 1, w.log());
}

TEST_CASE("with $IDX_DB outside the tree, the watcher's answers equal idx-lookup's, from the root and a subfolder") {
    TempTree t, place;
    ls::write_lookup_project(t);
    const std::vector<std::string> env{"IDX_DB=" + place.path("kept.db")};
    const std::vector<std::string> unset{"XDG_CONFIG_HOME", "RIPGREP_CONFIG_PATH"};  // IDX_DB stays
    std::vector<std::string> e = idx::test::isolated_env(t);
    e.insert(e.end(), env.begin(), env.end());
    REQUIRE(run_process({IDX_BINARY, "index"}, t.root(), e, unset).exit_code == 0);
    REQUIRE(run_process({"test", "-f", place.path("kept.db")}).exit_code == 0);
    Watcher w(t, {}, env);
    // The watcher vouches through its own socket beside $IDX_DB.
    bool up = false;
    for (int i = 0; i < 1500 && !up; ++i) {
        up = run_process({"test", "-S", place.path("kept.db-lookup.sock")}).exit_code == 0;
        if (!up) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    REQUIRE_MESSAGE(up, w.log());
    int served = 0;
    for (const std::string cwd : {std::string(), std::string("src/lib")}) {
        for (const std::vector<std::string>& args : {std::vector<std::string>{"def", "needle"}, {"refs", "needle"},
                                                     {"sym", "ndl"}, {"outline", "src/lib/needle.c"}}) {
            std::vector<std::string> argv{IDX_BINARY};
            argv.insert(argv.end(), args.begin(), args.end());
            const std::string dir = cwd.empty() ? t.root() : t.path(cwd);
            const ProcessResult got = run_process(argv, dir, e, unset);
            argv[0] = std::string(IDX_BINARY) + "-lookup";
            const ProcessResult want = run_process(argv, dir, e, unset);
            INFO(idx::test::describe(args), " in '", cwd, "'\n", got.out, got.err, "--- idx-lookup:\n", want.out, want.err);
            CHECK(got.out == want.out);
            CHECK(got.err == want.err);
            CHECK(got.exit_code == want.exit_code);
            ++served;
        }
    }
    CHECK(w.stop(SIGINT) == 0);
    CHECK_MESSAGE(ls::answered(w.log()) == served, w.log());
}

TEST_CASE("a lookup whose reader stops reading ends when its client dies or the watcher stops") {
    TempTree t;
    for (int i = 0; i < 2000; ++i) t.write("src/f" + std::to_string(i) + ".c", "int needle(void);\nint g(void) { return needle(); }\n");
    REQUIRE(ls::lookup(t, {"index"}).exit_code == 0);
    Watcher w(t);
    REQUIRE_MESSAGE(wait_until_vouched(t), w.log());
    // Clients whose stdout is a pipe nobody reads (the output is larger
    // than the pipe holds): two, so that both workers are held.
    auto stuck = [&] {
        return std::make_unique<idx::test::Child>(std::vector<std::string>{IDX_BINARY, "refs", "needle"}, t.root());
    };
    auto first = stuck();
    auto second = stuck();
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    CHECK(!first->wait(std::chrono::milliseconds(10)).has_value());  // still waiting for the watcher
    kill(first->pid(), SIGKILL);
    // The killed client's worker is free again: a lookup is answered at once.
    const auto start = std::chrono::steady_clock::now();
    const ProcessResult r = ls::lookup(t, {"def", "needle"});
    CHECK(r.exit_code == 0);
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::milliseconds(400));  // not after the 500 ms fallback
    // Stopping the watcher ends the other one's output too.
    const auto stopping = std::chrono::steady_clock::now();
    CHECK(w.stop(SIGINT) == 0);
    CHECK(std::chrono::steady_clock::now() - stopping < std::chrono::seconds(3));
    CHECK(second->wait(std::chrono::seconds(3)).has_value());
    CHECK_MESSAGE(ls::answered(w.log()) == 3, w.log());
}

TEST_CASE("a lookup socket that never answers, or stops mid-answer, never hangs idx and never answers twice") {
    TempTree t;
    ls::write_lookup_project(t);
    REQUIRE(ls::lookup(t, {"index"}).exit_code == 0);
    const ProcessResult local = ls::lookup(t, {"def", "needle"});
    REQUIRE(local.exit_code == 0);

    SUBCASE("a listener that never answers: idx runs the lookup itself after a short wait") {
        ls::FakeServer fake(t, [](int) {});
        const auto start = std::chrono::steady_clock::now();
        const ProcessResult r = ls::lookup(t, {"def", "needle"});
        CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(3));
        CHECK(r.out == local.out);
        CHECK(r.exit_code == 0);
    }
    SUBCASE("a listener that declines: idx runs the lookup itself") {
        ls::FakeServer fake(t, [](int c) { (void)!send(c, "no", 2, 0); });
        const ProcessResult r = ls::lookup(t, {"def", "needle"});
        CHECK(r.out == local.out);
        CHECK(r.exit_code == 0);
    }
    SUBCASE("a server that drops the lookup before starting it: idx runs it itself") {
        ls::FakeServer fake(t, [](int c) {
            ls::take_request(c);
            close(c);
        });
        const ProcessResult r = ls::lookup(t, {"def", "needle"});
        CHECK(r.out == local.out);
        CHECK(r.exit_code == 0);
    }
    SUBCASE("a server that starts the lookup and stops: one line, exit 2, no second answer") {
        ls::FakeServer fake(t, [](int c) {
            ls::take_request(c);
            (void)!send(c, "started", 7, 0);
            close(c);
        });
        const ProcessResult r = ls::lookup(t, {"def", "needle"});
        CHECK(r.exit_code == 2);
        CHECK(r.out.empty());
        CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
        CHECK(r.err.find("stopped before finishing the lookup") != std::string::npos);
    }
    SUBCASE("a server that replies with an exit code out of range: one line, exit 2") {
        ls::FakeServer fake(t, [](int c) {
            ls::take_request(c);
            (void)!send(c, "started", 7, 0);
            (void)!send(c, "exit 300", 8, 0);
        });
        const ProcessResult r = ls::lookup(t, {"def", "needle"});
        CHECK(r.exit_code == 2);
        CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
    }
    SUBCASE("a stale socket file, or a plain file at its path: idx runs the lookup itself") {
        const std::string path = t.path(".idx/index.db-lookup.sock");
        const int fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
        const sockaddr_un addr = ls::unix_address(path);
        REQUIRE(bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0);
        close(fd);  // nobody listens: a dead watcher's socket
        const ProcessResult stale = ls::lookup(t, {"def", "needle"});
        CHECK(stale.out == local.out);
        CHECK(stale.exit_code == 0);
        unlink(path.c_str());
        t.write(".idx/index.db-lookup.sock", "not a socket");
        const ProcessResult r = ls::lookup(t, {"def", "needle"});
        CHECK(r.out == local.out);
        CHECK(r.exit_code == 0);
    }
}
