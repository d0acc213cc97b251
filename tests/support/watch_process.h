// Test support: run the real `idx watch` in the background, and ask the
// way a user would (idx search --explain) whether it vouches for the index.
#pragma once

#include <doctest/doctest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/cli/rg_compare.h"
#include "tests/support/process.h"
#include "tests/support/temp_tree.h"

namespace idx::test {

inline const std::vector<std::string> kWatchUnset{"IDX_DB", "XDG_CONFIG_HOME", "RIPGREP_CONFIG_PATH"};

// `idx watch ARGS` in the tree's root, with the tests' isolated environment
// (the watcher and the searches must see the same HOME); stderr to `log`.
class Watcher {
public:
    // `env`: "K=V" entries set for it after the isolated environment.
    Watcher(const TempTree& t, std::vector<std::string> args = {}, std::vector<std::string> env = {})
        : log_(logs_.path("watch.log")) {
        pid_ = fork();
        REQUIRE(pid_ >= 0);
        if (pid_ == 0) {
            if (chdir(t.root().c_str()) != 0) _exit(99);
            for (const auto& name : kWatchUnset) unsetenv(name.c_str());
            setenv("HOME", t.path(".home").c_str(), 1);
            for (const auto& kv : env) {
                const auto eq = kv.find('=');
                setenv(kv.substr(0, eq).c_str(), kv.substr(eq + 1).c_str(), 1);
            }
            if (!freopen("/dev/null", "w", stdout) || !freopen(log_.c_str(), "w", stderr)) _exit(97);
            std::vector<const char*> argv{IDX_BINARY, "watch"};
            for (const auto& a : args) argv.push_back(a.c_str());
            argv.push_back(nullptr);
            execv(IDX_BINARY, const_cast<char* const*>(argv.data()));
            _exit(98);
        }
    }
    ~Watcher() {
        if (pid_ > 0) stop(SIGKILL);
    }
    // Stops it with `sig`; returns its exit code (-1: killed by the signal).
    int stop(int sig = SIGTERM) {
        kill(pid_, sig);
        int status = 0;
        waitpid(pid_, &status, 0);
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
    std::string log() const {
        std::ifstream in(log_);
        std::stringstream s;
        s << in.rdbuf();
        return s.str();
    }

private:
    TempTree logs_;  // outside the watched tree: writing the log is not a change
    std::string log_;
    pid_t pid_ = -1;
};

inline std::string freshness(const TempTree& t, const std::string& pattern = "needle") {
    auto r = run_process({IDX_BINARY, "search", "--explain", pattern}, t.root(), idx::test::isolated_env(t), kWatchUnset);
    auto at = r.out.find("freshness:");
    return at == std::string::npos ? r.err : r.out.substr(at);
}

inline bool vouched(const TempTree& t) { return freshness(t).find("vouches") != std::string::npos; }

// Waits (up to 15 s) until the watcher vouches for the index.
inline bool wait_until_vouched(const TempTree& t) {
    for (int i = 0; i < 1500; ++i) {
        if (vouched(t)) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
}

}  // namespace idx::test
