// Load (issue 7): searches running while the index is rebuilt under them,
// and many MCP calls through one server. Drives the real binary.
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/child.h"
#include "tests/support/process.h"
#include "tests/support/temp_tree.h"

using idx::test::Child;
using idx::test::run_process;
using idx::test::TempTree;

namespace {

long rss_kb(pid_t pid) {
    FILE* f = std::fopen(("/proc/" + std::to_string(pid) + "/status").c_str(), "r");
    if (!f) return -1;
    char line[256];
    long kb = -1;
    while (std::fgets(line, sizeof line, f)) {
        if (std::sscanf(line, "VmRSS: %ld kB", &kb) == 1) break;
    }
    std::fclose(f);
    return kb;
}

}  // namespace

TEST_CASE("8 concurrent searches all succeed with the same answer while idx index rewrites the index") {
    TempTree t;
    for (int i = 0; i < 400; ++i) {
        std::string body;
        for (int k = 0; k < 40; ++k) body += "line " + std::to_string(i * 100 + k) + (k == 7 ? " needle_word\n" : "\n");
        t.write("d" + std::to_string(i % 9) + "/f" + std::to_string(i) + ".c", body);
    }
    REQUIRE(run_process({IDX_BINARY, "index"}, t.root(), {}, {"IDX_DB"}).exit_code == 0);
    const auto expected = run_process({IDX_BINARY, "search", "-c", "needle_word", "--sort", "path"}, t.root(), {}, {"IDX_DB"});
    REQUIRE(expected.exit_code == 0);
    std::atomic<bool> stop{false};
    std::atomic<int> rebuilds{0};
    std::thread writer([&] {
        while (!stop.load()) {
            if (run_process({IDX_BINARY, "index", "--rebuild"}, t.root(), {}, {"IDX_DB"}).exit_code == 0) ++rebuilds;
        }
    });
    std::vector<std::thread> readers;
    std::atomic<int> ok{0}, bad{0};
    for (int r = 0; r < 8; ++r) {
        readers.emplace_back([&] {
            for (int k = 0; k < 6; ++k) {
                auto got = run_process({IDX_BINARY, "search", "-c", "needle_word", "--sort", "path"}, t.root(), {},
                                       {"IDX_DB"});
                (got.exit_code == 0 && got.out == expected.out ? ok : bad)++;
            }
        });
    }
    for (auto& th : readers) th.join();
    stop.store(true);
    writer.join();
    CHECK(bad.load() == 0);
    CHECK(ok.load() == 48);
    CHECK(rebuilds.load() >= 1);  // the index really was rewritten meanwhile
}

TEST_CASE("idx mcp answers 10,000 sequential and 100 pipelined calls correctly with flat memory") {
    TempTree t;
    t.write("src/lib.c", "int shared_helper(int x)\n{\n    return x * 2;\n}\n");
    REQUIRE(run_process({IDX_BINARY, "index"}, t.root(), {}, {"IDX_DB"}).exit_code == 0);
    // Under AddressSanitizer freed memory waits in a quarantine (256 MB by
    // default) and RSS grows without a leak: turn it off for the server so
    // that RSS measures the same thing in both builds.
    const char* env = std::getenv("ASAN_OPTIONS");
    const std::string before = env ? env : "";
    ::setenv("ASAN_OPTIONS",
             (before + (before.empty() ? "" : ":") + "quarantine_size_mb=0:thread_local_quarantine_size_kb=0").c_str(), 1);
    Child mcp({IDX_BINARY, "mcp"}, t.root());
    if (env) ::setenv("ASAN_OPTIONS", before.c_str(), 1);
    else ::unsetenv("ASAN_OPTIONS");
    auto call = [&](int id) {
        return R"({"jsonrpc":"2.0","id":)" + std::to_string(id) +
               R"(,"method":"tools/call","params":{"name":"def","arguments":{"name":"shared_helper"}}})";
    };
    long rss_after_warmup = -1;
    int correct = 0;
    for (int i = 1; i <= 10000; ++i) {
        REQUIRE(mcp.write_line(call(i)));
        auto line = mcp.read_line();
        REQUIRE(line.has_value());
        correct += line->find("\"id\":" + std::to_string(i) + ",") != std::string::npos &&
                   line->find("src/lib.c:1:5: function shared_helper") != std::string::npos;
        if (i == 1000) rss_after_warmup = rss_kb(mcp.pid());
    }
    CHECK(correct == 10000);
    const long rss_end = rss_kb(mcp.pid());
    INFO("RSS after 1,000 calls: " << rss_after_warmup << " kB, after 10,000: " << rss_end << " kB");
    CHECK(rss_end < rss_after_warmup + 4096);  // flat: no per-call leak
    std::string batch;
    for (int i = 0; i < 100; ++i) batch += call(10000 + i) + "\n";
    REQUIRE(mcp.write(batch));
    std::vector<bool> seen(100, false);
    for (int i = 0; i < 100; ++i) {
        auto line = mcp.read_line();
        REQUIRE(line.has_value());
        const auto at = line->find("\"id\":");
        REQUIRE(at != std::string::npos);
        const int id = std::stoi(line->substr(at + 5)) - 10000;
        REQUIRE(id >= 0);
        REQUIRE(id < 100);
        CHECK(line->find("shared_helper") != std::string::npos);
        seen[static_cast<size_t>(id)] = true;
    }
    CHECK(std::count(seen.begin(), seen.end(), true) == 100);
}
