// Test support: run the real idx in the background, and check an index
// file the way a user would (PRAGMA integrity_check).
#pragma once

#include <doctest/doctest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/process.h"
#include "tests/support/temp_tree.h"

namespace idx::test {

// Starts `idx ARGS` in `dir` with stdout and stderr to /dev/null.
inline pid_t spawn_idx(const std::string& dir, std::vector<const char*> args) {
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        if (chdir(dir.c_str()) != 0) _exit(99);
        if (!freopen("/dev/null", "w", stdout) || !freopen("/dev/null", "w", stderr)) _exit(97);
        args.insert(args.begin(), IDX_BINARY);
        args.push_back(nullptr);
        execv(IDX_BINARY, const_cast<char* const*>(args.data()));
        _exit(98);
    }
    return pid;
}

// "ok", SQLite's list of problems, or "cannot open".
inline std::string integrity(const std::string& db_path) {
    sqlite3* db = nullptr;
    std::string result = "cannot open";
    if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
        sqlite3_stmt* st = nullptr;
        if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, nullptr) == SQLITE_OK &&
            sqlite3_step(st) == SQLITE_ROW) {
            result = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
        }
        sqlite3_finalize(st);
    }
    sqlite3_close(db);
    return result;
}

// Runs one statement on an index file, as a user with the sqlite3 shell would.
inline void exec_sql(const std::string& db_path, const std::string& statement) {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(db_path.c_str(), &db) == SQLITE_OK);
    CHECK(sqlite3_exec(db, statement.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(db);
}

// A tree whose symbol pass takes seconds: `files` C files of 40 functions.
inline void write_symbol_heavy_tree(const TempTree& t, int files) {
    for (int i = 0; i < files; ++i) {
        std::string body;
        for (int k = 0; k < 40; ++k) {
            body += "static int fn_" + std::to_string(i) + "_" + std::to_string(k) + "(int a)\n{\n\treturn a + 1;\n}\n";
        }
        t.write("src/f" + std::to_string(i) + ".c", body);
    }
}

// Waits (up to 4 s) until the index under `t` answers status with `files`
// files, i.e. a running idx index has committed its content pass.
inline bool wait_for_content(const TempTree& t, int files) {
    for (int i = 0; i < 400; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
        auto s = run_process({IDX_BINARY, "status", "--json", "--no-check"}, t.root(), {}, {"IDX_DB"});
        if (s.exit_code == 0 && s.out.find("\"files\":" + std::to_string(files) + ",") != std::string::npos) return true;
    }
    return false;
}

}  // namespace idx::test
