// idx files must list exactly what `rg --files` lists, for every ignore rule
// shape and walker flag. Each case builds a tree and asks ripgrep.
#include <random>

#include "tests/cli/rg_compare.h"

using idx::test::check_files_match_rg;
using idx::test::TempTree;

namespace {

// A small tree used by many cases: sources, objects, nested dirs, dot files.
void populate(const TempTree& t) {
    for (const char* f : {"a.c", "b.h", "c.o", "README.md", "x.txt", "src/main.c", "src/util.c", "src/util.o",
                          "src/deep/er/thing.c", "src/deep/er/thing.o", "lib/z.rs", "lib/y.py", "lib/build/out.txt",
                          "build/gen.c", "docs/a.md", ".hidden", ".config/settings", "src/.dotfile.c",
                          "#notes", "!bang", "trail ", "Ab.C", "weird[1].c", "a.c.in"}) {
        t.write(f);
    }
}

}  // namespace

TEST_CASE("idx files equals rg --files on a tree without any ignore file") {
    TempTree t;
    populate(t);
    check_files_match_rg(t, {});
    check_files_match_rg(t, {"--hidden"});
    check_files_match_rg(t, {"."});
    check_files_match_rg(t, {"src", "lib/"});
    check_files_match_rg(t, {"src/main.c", "./lib"});
    check_files_match_rg(t, {t.root()});
}

TEST_CASE("a .gitignore outside any git repository is not applied") {
    TempTree t;
    populate(t);
    t.write(".gitignore", "*.o\nbuild/\n");
    check_files_match_rg(t, {});
    check_files_match_rg(t, {"--no-require-git"});
}

TEST_CASE("gitignore negation, anchoring, dir-only, double star and classes follow ripgrep") {
    TempTree t;
    populate(t);
    t.git_repo();
    t.write(".gitignore",
            "# a comment\n"
            "*.o\n"
            "!src/util.o\n"
            "/build\n"
            "lib/build/\n"
            "src/**/er\n"
            "w*[0-9].c\n"
            "[!a]*.md\n"
            "\\#notes\n"
            "\\!bang\n"
            "trail   \n"
            "*.C\n");
    check_files_match_rg(t, {});
    check_files_match_rg(t, {"--hidden"});
    check_files_match_rg(t, {"src"});
    check_files_match_rg(t, {"./src/"}, "");
    check_files_match_rg(t, {}, "src");
}

TEST_CASE("an escaped trailing space keeps the space") {
    TempTree t;
    populate(t);
    t.git_repo();
    t.write(".gitignore", "trail\\ \n");
    check_files_match_rg(t, {});
}

TEST_CASE("double star prefixes, infixes and suffixes follow ripgrep") {
    TempTree t;
    populate(t);
    t.git_repo();
    for (const char* rule : {"**/thing.c", "src/**", "src/**/thing.*", "**", "a**c", "**.c", "src/**/", "/**/util.*",
                             "**/deep", "deep/**/*.o", "lib/**/*.txt", "*/*.c", "src/*", "{a,b}.*", "x.{txt,md}",
                             "a}b", "src/deep/**/"}) {
        t.write(".gitignore", std::string(rule) + "\n");
        check_files_match_rg(t, {});
    }
}

TEST_CASE("a nested .gitignore overrides its parent") {
    TempTree t;
    populate(t);
    t.git_repo();
    t.write(".gitignore", "*.c\n");
    t.write("src/.gitignore", "!*.c\nutil.*\n");
    t.write("src/deep/.gitignore", "!util.c\n*.o\n");
    check_files_match_rg(t, {});
    check_files_match_rg(t, {"src"});
    check_files_match_rg(t, {}, "src/deep");
}

TEST_CASE(".ignore beats .gitignore and .rgignore beats .ignore") {
    TempTree t;
    populate(t);
    t.git_repo();
    t.write(".gitignore", "*.c\n*.md\n");
    t.write(".ignore", "!a.c\n*.txt\n");
    t.write(".rgignore", "!x.txt\nsrc/\n");
    check_files_match_rg(t, {});
    check_files_match_rg(t, {"--no-ignore-dot"});
    check_files_match_rg(t, {"--no-ignore-vcs"});
    check_files_match_rg(t, {"--no-ignore"});
    check_files_match_rg(t, {"-u"});
    check_files_match_rg(t, {"-uu"});
    check_files_match_rg(t, {"-uuu"});
}

TEST_CASE(".ignore applies without git, and in parent directories of the root") {
    TempTree t;
    populate(t);
    t.write(".ignore", "*.o\nthing.c\n");
    check_files_match_rg(t, {}, "src");
    check_files_match_rg(t, {"--no-ignore-parent"}, "src");
    check_files_match_rg(t, {"deep"}, "src");
}

TEST_CASE("a whitelisted hidden file is listed without --hidden") {
    TempTree t;
    populate(t);
    t.git_repo();
    t.write(".gitignore", "!.hidden\n!.config/\n");
    check_files_match_rg(t, {});
}

TEST_CASE("a repository inside a repository stops the outer .gitignore") {
    TempTree t;
    populate(t);
    t.git_repo();
    t.git_repo("src");
    t.write(".gitignore", "*.c\n");
    t.write("src/.gitignore", "*.o\n");
    check_files_match_rg(t, {});
    check_files_match_rg(t, {"--no-require-git"});
}

TEST_CASE(".git/info/exclude and the global excludes file apply inside a repository") {
    TempTree t;
    populate(t);
    t.git_repo();
    t.write(".git/info/exclude", "*.md\n");
    t.write(".home/.config/git/ignore", "*.txt\n");
    check_files_match_rg(t, {});
    check_files_match_rg(t, {"--no-ignore-exclude"});
    check_files_match_rg(t, {"--no-ignore-global"});
    t.write(".home/.gitconfig", "[core]\n\texcludesFile = ~/my-excludes\n");
    t.write(".home/my-excludes", "*.rs\n");
    check_files_match_rg(t, {});
}

TEST_CASE("glob overrides include, exclude and beat ignore files") {
    TempTree t;
    populate(t);
    t.git_repo();
    t.write(".gitignore", "*.o\n");
    check_files_match_rg(t, {"-g", "*.c"});
    check_files_match_rg(t, {"-g", "!*.c"});
    check_files_match_rg(t, {"-g", "*.o"});
    check_files_match_rg(t, {"-g", "!src", "-g", "*.c"});
    check_files_match_rg(t, {"-g", "src/**"});
    check_files_match_rg(t, {"-g", "/*.c"});
    check_files_match_rg(t, {"--iglob", "*.c"});
    check_files_match_rg(t, {"-g", "*.C", "--glob-case-insensitive"});
    check_files_match_rg(t, {"-g", ".hidden"});
    check_files_match_rg(t, {"-g", "*.c", "src"});
}

TEST_CASE("type selection follows ripgrep's type table") {
    TempTree t;
    populate(t);
    check_files_match_rg(t, {"-t", "c"});
    check_files_match_rg(t, {"-t", "rust", "-t", "py"});
    check_files_match_rg(t, {"-T", "c"});
    check_files_match_rg(t, {"-tc", "-g", "!src/**"});
    check_files_match_rg(t, {"-t", "c", "--hidden"});
    check_files_match_rg(t, {"-t", "all"});
}

TEST_CASE("max-filesize and max-depth limit the walk") {
    TempTree t;
    populate(t);
    t.write("big.c", std::string(5000, 'x'));
    t.write("mid.c", std::string(1024, 'x'));
    check_files_match_rg(t, {"--max-filesize", "1K"});
    check_files_match_rg(t, {"--max-filesize", "1023"});
    check_files_match_rg(t, {"--max-depth", "1"});
    check_files_match_rg(t, {"--max-depth", "0"});
    check_files_match_rg(t, {"--max-depth", "2", "src"});
}

TEST_CASE("symlinks are skipped unless -L follows them") {
    TempTree t;
    populate(t);
    t.symlink("src", "linkdir");
    t.symlink("a.c", "linkfile.c");
    check_files_match_rg(t, {});
    check_files_match_rg(t, {"-L"});
    check_files_match_rg(t, {"linkdir"});
    check_files_match_rg(t, {"linkfile.c"});
}

TEST_CASE("the index folder .idx is never walked") {
    TempTree t;
    populate(t);
    t.write(".idx/index.db", "not really");
    auto p = idx::test::run_both(t, {"--hidden"});
    CHECK(p.idx.out.find(".idx") == std::string::npos);
    CHECK(p.rg.out.find(".idx/index.db") != std::string::npos);
}

// Random trees and random rule files, each checked against ripgrep.
TEST_CASE("idx files equals rg --files on randomly generated ignore rules") {
    const char* names[] = {"a", "b", "ab", "a.c", "b.c", "x.o", ".h", "ba", "a b", "c[1]"};
    const char* atoms[] = {"a", "b", "*", "?", "**", "[ab]", "[!a]", "*.c", ".*", "x.o", "a*", "{a,b}"};
    std::mt19937 rng(20261127);
    auto pick = [&](auto& arr) { return arr[rng() % (sizeof(arr) / sizeof(arr[0]))]; };
    for (int round = 0; round < 60; ++round) {
        TempTree t;
        t.git_repo();
        t.mkdir("a");  // holds the nested rules below
        for (int i = 0; i < 25; ++i) {
            std::string path;
            int depth = static_cast<int>(rng() % 3);
            for (int d = 0; d < depth; ++d) path += std::string(pick(names)) + "/";
            path += pick(names);
            try {
                t.write(path);
            } catch (const std::exception&) {
                // A file already blocks this directory; both tools see the same tree anyway.
            }
        }
        auto rule = [&] {
            std::string r;
            if (rng() % 4 == 0) r += "!";
            if (rng() % 4 == 0) r += "/";
            int parts = 1 + static_cast<int>(rng() % 3);
            for (int i = 0; i < parts; ++i) {
                if (i > 0) r += "/";
                r += pick(atoms);
            }
            if (rng() % 4 == 0) r += "/";
            return r;
        };
        std::string root_rules, sub_rules;
        for (int i = 0; i < 4; ++i) root_rules += rule() + "\n";
        for (int i = 0; i < 2; ++i) sub_rules += rule() + "\n";
        t.write(".gitignore", root_rules);
        t.write("a/.ignore", sub_rules);
        CAPTURE(root_rules);
        CAPTURE(sub_rules);
        check_files_match_rg(t, {});
        check_files_match_rg(t, {"--hidden"});
    }
}
