// Issue 5: idx's definitions against universal-ctags on real trees, through
// bench/ctags_recall.py (the script bench/run.sh runs on the Linux
// kernel). Here: tree-sitter's own C runtime, and four packages of the
// Python standard library as Debian installs it.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include "tests/support/process.h"
#include "tests/support/temp_tree.h"

using idx::test::run_process;
using idx::test::TempTree;

namespace {

std::string recall(const TempTree& t, const std::string& subdir, const std::string& lang, const std::string& kinds,
                   int* exit_code) {
    REQUIRE(run_process({IDX_BINARY, "index"}, t.root(), {}, {"IDX_DB"}).exit_code == 0);
    auto r = run_process({"python3", std::string(IDX_SOURCE_DIR) + "/bench/ctags_recall.py", ".", subdir, lang, kinds,
                          "--min", "99", "--idx", IDX_BINARY},
                         t.root(), {}, {"IDX_DB"});
    *exit_code = r.exit_code;
    return r.out + r.err;
}

}  // namespace

TEST_CASE("idx def finds at least 99% of the C functions ctags lists in tree-sitter's runtime") {
    TempTree t;
    std::filesystem::copy(std::string(IDX_SOURCE_DIR) + "/grammars/node_modules/tree-sitter/vendor/tree-sitter/lib/src",
                          t.path("lib"), std::filesystem::copy_options::recursive);
    int rc = -1;
    const std::string report = recall(t, "lib", "C", "f", &rc);
    INFO(report);
    CHECK(rc == 0);
    CHECK(report.find("idx finds") != std::string::npos);
}

TEST_CASE("idx def finds at least 99% of the Python classes, functions and methods ctags lists in the stdlib") {
    TempTree t;
    const std::string stdlib = "/usr/lib/python3.11";
    REQUIRE(std::filesystem::exists(stdlib + "/asyncio"));
    for (const char* pkg : {"asyncio", "email", "json", "http"}) {
        std::filesystem::copy(stdlib + "/" + pkg, t.path(pkg), std::filesystem::copy_options::recursive);
    }
    int rc = -1;
    const std::string report = recall(t, ".", "Python", "cfm", &rc);
    INFO(report);
    CHECK(rc == 0);
}
