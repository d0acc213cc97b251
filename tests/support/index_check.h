// Test support: run the real idx in the background, and check an index
// file the way a user would (PRAGMA integrity_check).
#pragma once

#include <doctest/doctest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

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

}  // namespace idx::test
