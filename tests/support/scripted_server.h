// Test support: tests/agent/scripted_llm_server.py as a real process on an
// ephemeral port, killed (SIGTERM, then reaped) when the object dies.
//
// The server's script is the JSON text given to the constructor; every
// request it receives is appended to a JSON Lines log, read by log_lines().
// Failures to start throw std::runtime_error (test support only).
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "tests/support/temp_tree.h"

extern char** environ;

// The script's path; the build may define it, otherwise it is found from this
// header's own location.
#ifndef IDX_SCRIPTED_LLM_SERVER
#define IDX_SCRIPTED_LLM_SERVER ""
#endif

namespace idx::test {

class ScriptedServer {
public:
    explicit ScriptedServer(const std::string& script_json) {
        dir_.write("script.json", script_json);
        std::vector<std::string> argv = {"python3", server_path(), dir_.path("script.json"), "--log",
                                         dir_.path("requests.jsonl")};
        std::vector<char*> args;
        for (auto& a : argv) args.push_back(a.data());
        args.push_back(nullptr);
        int out[2];
        if (pipe(out) != 0) throw std::runtime_error("pipe failed");
        posix_spawn_file_actions_t fa;
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_adddup2(&fa, out[1], 1);
        posix_spawn_file_actions_addclose(&fa, out[0]);
        posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
        const int rc = posix_spawnp(&pid_, "python3", &fa, nullptr, args.data(), environ);
        posix_spawn_file_actions_destroy(&fa);
        close(out[1]);
        if (rc != 0) {
            close(out[0]);
            throw std::runtime_error(std::string("cannot spawn python3: ") + std::strerror(rc));
        }
        std::string line;
        pollfd pfd{out[0], POLLIN, 0};
        while (line.find('\n') == std::string::npos) {
            const int ready = poll(&pfd, 1, 10'000);
            if (ready < 0 && errno == EINTR) continue;
            char buf[64];
            const ssize_t n = ready > 0 ? read(out[0], buf, sizeof buf) : 0;
            if (n <= 0) break;
            line.append(buf, static_cast<size_t>(n));
        }
        close(out[0]);  // the server writes nothing after the port
        port_ = std::atoi(line.c_str());
        if (port_ <= 0) {
            stop();
            throw std::runtime_error("the scripted LLM server did not print its port (got '" + line + "')");
        }
    }

    ~ScriptedServer() { stop(); }
    ScriptedServer(const ScriptedServer&) = delete;
    ScriptedServer& operator=(const ScriptedServer&) = delete;

    int port() const { return port_; }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

    // One JSON object per request received, in order.
    std::vector<std::string> log_lines() const {
        std::ifstream in(dir_.path("requests.jsonl"));
        std::vector<std::string> lines;
        for (std::string l; std::getline(in, l);) {
            if (!l.empty()) lines.push_back(l);
        }
        return lines;
    }

private:
    static std::string server_path() {
        std::string p = IDX_SCRIPTED_LLM_SERVER;
        if (!p.empty()) return p;
        std::string here = __FILE__;  // .../tests/support/scripted_server.h
        here.resize(here.rfind('/') + 1);
        return here + "../agent/scripted_llm_server.py";
    }

    void stop() {
        if (pid_ <= 0) return;
        kill(pid_, SIGTERM);
        int status = 0;
        while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
        }
        pid_ = -1;
    }

    TempTree dir_;
    pid_t pid_ = -1;
    int port_ = 0;
};

}  // namespace idx::test
