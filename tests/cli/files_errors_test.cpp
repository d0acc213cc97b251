// Errors while walking behave as ripgrep's do: the same messages on stderr
// and the same exit codes (issue #2, item 6).
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "tests/cli/rg_compare.h"

using idx::test::check_files_match_rg;
using idx::test::run_process;
using idx::test::TempTree;

TEST_CASE("a nonexistent path is reported and exits 2, as rg does") {
    TempTree t;
    t.write("a.c");
    check_files_match_rg(t, {"nope"});
    check_files_match_rg(t, {"nope", "a.c"});
}

TEST_CASE("a path that is a file is listed as given, even when ignored or hidden") {
    TempTree t;
    t.git_repo();
    t.write(".gitignore", "*.o\n");
    t.write("x.o");
    t.write(".hidden.c");
    check_files_match_rg(t, {"x.o"});
    check_files_match_rg(t, {"./.hidden.c", "x.o"});
}

TEST_CASE("a directory without read permission is reported like rg") {
    TempTree t;
    t.write("ok.c");
    t.write("locked/secret.c");
    ::chmod(t.path("locked").c_str(), 0);
    ::chmod(t.root().c_str(), 0755);
    if (::geteuid() == 0) {
        // root reads anything: drop to nobody for both tools. The build tree
        // may sit where nobody cannot go (a 0700 home), so run a copy.
        TempTree bin;
        ::chmod(bin.root().c_str(), 0755);
        const std::string exe(IDX_BINARY);
        const std::string front_end = exe.substr(0, exe.rfind('/') + 1) + "idx-cli";
        std::filesystem::copy_file(exe, bin.path("idx"));
        std::filesystem::copy_file(front_end, bin.path("idx-cli"));
        std::filesystem::copy_file(front_end.substr(0, front_end.size() - 3) + "lookup", bin.path("idx-lookup"));
        auto run = [&](const std::string& tool, const std::string& sub) {
            return run_process({"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", tool, sub}, t.root(),
                               idx::test::isolated_env(t));
        };
        auto rg = run("rg", "--files");
        auto idx = run(bin.path("idx"), "files");
        INFO("rg: ", rg.out, rg.err, "idx: ", idx.out, idx.err);
        CHECK(rg.err.find("Permission denied") != std::string::npos);
        CHECK(idx::test::sorted_lines(idx.out) == idx::test::sorted_lines(rg.out));
        CHECK(idx::test::sorted_lines(idx.err) == idx::test::sorted_lines(rg.err));
        CHECK(idx.exit_code == rg.exit_code);
    } else {
        check_files_match_rg(t, {});
    }
}

TEST_CASE("a symlink loop under -L is reported like rg") {
    TempTree t;
    t.write("d/x/f.c");
    t.symlink("..", "d/x/up");
    t.symlink("missing", "broken");
    check_files_match_rg(t, {"-L"});
    check_files_match_rg(t, {});
}

TEST_CASE("non-UTF-8 file names are printed byte for byte") {
    TempTree t;
    t.write("plain.c");
    t.write("bad\xff\xfe name.c");
    t.write("dir\xc3\x28/inner.c");
    check_files_match_rg(t, {});
    check_files_match_rg(t, {"-g", "*.c"});
}

TEST_CASE("an empty directory lists nothing and exits 1") {
    TempTree t;
    t.mkdir("empty");
    check_files_match_rg(t, {"empty"});
}
