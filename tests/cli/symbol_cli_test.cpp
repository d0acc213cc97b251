// idx def, refs, sym, outline, map and query (issue 5), driven through the
// real binary on real files: one sample per language in
// tests/fixtures/symbols, whose expected.tsv lists definitions checked by
// hand against the source and universal-ctags.
#include <doctest/doctest.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/index_check.h"
#include "tests/support/process.h"
#include "tests/support/temp_tree.h"

using idx::test::exec_sql;
using idx::test::ProcessResult;
using idx::test::run_process;
using idx::test::TempTree;

namespace {

ProcessResult idx_in(const std::string& dir, std::vector<std::string> args) {
    args.insert(args.begin(), IDX_BINARY);
    return run_process(args, dir, {"HOME=" + dir + "/.home", "NO_COLOR=1"}, {"IDX_DB"});
}

// A temp tree holding the language samples, indexed.
struct Samples {
    TempTree t;
    Samples() {
        std::filesystem::copy(std::string(IDX_SOURCE_DIR) + "/tests/fixtures/symbols", t.root(),
                              std::filesystem::copy_options::recursive);
        auto r = idx_in(t.root(), {"index"});
        REQUIRE(r.exit_code == 0);
    }
    ProcessResult run(std::vector<std::string> args) const { return idx_in(t.root(), std::move(args)); }
};

struct Row {
    std::string file, name, kind;
    int line;
};

std::vector<Row> expected_rows() {
    std::ifstream in(std::string(IDX_SOURCE_DIR) + "/tests/fixtures/symbols/expected.tsv");
    std::vector<Row> rows;
    std::string line;
    std::getline(in, line);  // header
    while (std::getline(in, line)) {
        std::istringstream ss(line);
        Row r;
        std::string n;
        std::getline(ss, r.file, '\t');
        std::getline(ss, r.name, '\t');
        std::getline(ss, r.kind, '\t');
        std::getline(ss, n, '\t');
        r.line = std::stoi(n);
        rows.push_back(r);
    }
    return rows;
}

bool has_line(const std::string& out, const std::string& needle) { return out.find(needle) != std::string::npos; }

int count_lines(const std::string& s) { return static_cast<int>(std::count(s.begin(), s.end(), '\n')); }

}  // namespace

TEST_CASE("idx def finds every checked definition in every language's sample, with its kind and line") {
    Samples s;
    const auto rows = expected_rows();
    REQUIRE(rows.size() > 100);
    std::set<std::string> files;
    for (const auto& row : rows) {
        files.insert(row.file);
        INFO(row.file << " " << row.name << " " << row.kind << " " << row.line);
        if (row.kind == "reference") {
            auto r = s.run({"refs", row.name});
            CHECK(r.exit_code == 0);
            CHECK(has_line(r.out, row.file + ":" + std::to_string(row.line) + ":"));
            continue;
        }
        auto r = s.run({"def", row.name, "--json"});
        CHECK(r.exit_code == 0);
        std::string json_name;  // as JSON spells it (PHP's App\Payments)
        for (char c : row.name) json_name += c == '\\' ? std::string("\\\\") : std::string(1, c);
        CHECK(has_line(r.out, "{\"path\":\"" + row.file + "\",\"line\":" + std::to_string(row.line) + ","));
        CHECK(has_line(r.out, "\"kind\":\"" + row.kind + "\",\"name\":\"" + json_name + "\""));
    }
    CHECK(files.size() == 13);  // all supported languages
}

TEST_CASE("idx def filters by kind, language and path, and exits 1 when nothing is left") {
    Samples s;
    auto all = s.run({"def", "Inventory"});
    REQUIRE(all.exit_code == 0);
    CHECK(s.run({"def", "Inventory", "--lang", "python"}).exit_code == 0);
    CHECK(s.run({"def", "Inventory", "--lang", "go"}).exit_code == 1);
    CHECK(s.run({"def", "Inventory", "--kind", "class"}).exit_code == 0);
    CHECK(s.run({"def", "Inventory", "--kind", "macro"}).exit_code == 1);
    CHECK(s.run({"def", "Inventory", "--path", "*.py"}).exit_code == 0);
    CHECK(s.run({"def", "Inventory", "--path", "*.rs"}).exit_code == 1);
    CHECK(s.run({"def", "no_such_symbol_anywhere"}).exit_code == 1);
}

TEST_CASE("idx def output is path:line:col: kind name  signature") {
    Samples s;
    auto r = s.run({"def", "Inventory", "--lang", "python"});
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.rfind("sample.py:", 0) == 0);
    CHECK(has_line(r.out, ": class Inventory  class Inventory:"));
}

TEST_CASE("idx refs lists uses but not the definition, and works from a subfolder") {
    TempTree t;
    t.write("lib/util.c", "int helper_fn(int x)\n{\n    return x + 1;\n}\n");
    t.write("app/main.c", "int helper_fn(int);\nint main(void)\n{\n    return helper_fn(2) + helper_fn_other(3);\n}\n");
    t.write("app/notes.txt", "helper_fn is mentioned in prose\n");
    REQUIRE(idx_in(t.root(), {"index"}).exit_code == 0);
    auto r = idx_in(t.path("app"), {"refs", "helper_fn"});
    CHECK(r.exit_code == 0);
    // Relative to the working directory; not the definition (util.c:1), not
    // the prototype (main.c:1, a declaration), not helper_fn_other (whole
    // identifiers only), not the prose in notes.txt (source files only).
    CHECK(r.out == "main.c:4:12: reference helper_fn  return helper_fn(2) + helper_fn_other(3);\n");
    CHECK(idx_in(t.root(), {"refs", "never_used_name"}).exit_code == 1);
}

// Issue 5: refs narrows candidates by the name's word gram. Whatever
// surrounds the name, it must print exactly the whole-identifier uses a scan
// of every file finds (in code, comments and strings alike; never the
// definition).
TEST_CASE("idx refs narrowed by word grams prints exactly the uses a scan of every file finds") {
    TempTree t;
    const std::vector<std::string> contexts = {
        "lock_it();",         "x = lock_it;",      "lock_it_more();", "unlock_it();",   "LOCK_IT();",
        "\"lock_it\"",        "// lock_it here",   "a.lock_it(b)",    "lock_it2();",    "\xc3\xa9lock_it();",
        "lock_it\xc3\xa9();", "(lock_it)(lock_it)", "_lock_it;",       "lock_it",        "9lock_it;"};
    t.write("def.c", "void lock_it(void)\n{\n}\n");
    std::vector<std::pair<std::string, std::string>> files;
    for (size_t i = 0; i < contexts.size(); ++i) {
        files.emplace_back("src/f" + std::to_string(i) + ".c",
                           "int f" + std::to_string(i) + "(void)\n{\n\t" + contexts[i] + "\n\treturn 0;\n}\n");
        t.write(files.back().first, files.back().second);
    }
    for (int i = 0; i < 40; ++i) t.write("other/g" + std::to_string(i) + ".c", "int lock(void);\nint it(void);\n");
    REQUIRE(idx_in(t.root(), {"index"}).exit_code == 0);
    auto ident = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || (c & 0x80); };
    std::sort(files.begin(), files.end());
    std::string want;
    for (const auto& [path, text] : files) {
        const std::string line = text.substr(text.find('\t') + 1, text.find('\n', text.find('\t')) - text.find('\t') - 1);
        for (size_t pos = line.find("lock_it"); pos != std::string::npos; pos = line.find("lock_it", pos + 1)) {
            const size_t end = pos + 7;
            if ((pos > 0 && ident(line[pos - 1])) || (end < line.size() && ident(line[end]))) continue;
            want += path + ":3:" + std::to_string(pos + 2) + ": reference lock_it  " + line + "\n";
        }
    }
    auto r = idx_in(t.root(), {"refs", "lock_it"});
    CHECK(r.exit_code == 0);
    CHECK(count_lines(want) == 8);
    CHECK(r.out == want);
    CHECK(r.err.empty());
    // A source file over 1 MiB gets no symbols and no word grams: not read,
    // and said so (another such file, without the name, is not counted).
    std::string big;
    while (big.size() <= (1u << 20)) big += "int filler_" + std::to_string(big.size()) + ";\n";
    t.write("src/big.c", big + "int x = lock_it();\n");
    t.write("src/big_other.c", big);
    REQUIRE(idx_in(t.root(), {"index"}).exit_code == 0);
    auto with_big = idx_in(t.root(), {"refs", "lock_it"});
    CHECK(with_big.out == want);
    CHECK(with_big.err == "idx refs: 1 file(s) over 1 MiB or binary may hold the name but get no symbols, so were "
                          "not read (idx search -w reads them)\n");
}

TEST_CASE("a schema-2 index asks for idx index --rebuild, which works") {
    TempTree t;
    t.write("a.c", "int helper_fn(int x)\n{\n    return x;\n}\n");
    t.write("b.c", "int g(void)\n{\n    return helper_fn(1);\n}\n");
    REQUIRE(idx_in(t.root(), {"index"}).exit_code == 0);
    exec_sql(t.path(".idx/index.db"), "UPDATE meta SET value = '2' WHERE key = 'schema_version'");
    for (std::vector<std::string> args : {std::vector<std::string>{"refs", "helper_fn"}, {"index"}}) {
        auto old = idx_in(t.root(), args);
        CHECK(old.exit_code == 2);
        CHECK(old.err.find("rebuild with `idx index --rebuild`") != std::string::npos);
        CHECK(count_lines(old.err) == 1);
    }
    REQUIRE(idx_in(t.root(), {"index", "--rebuild"}).exit_code == 0);
    CHECK(idx_in(t.root(), {"refs", "helper_fn"}).out == "b.c:3:12: reference helper_fn  return helper_fn(1);\n");
}

TEST_CASE("idx sym finds mutex_lock from mtxlck, best match first") {
    TempTree t;
    t.write("kernel/locking/mutex.c", "void mutex_lock(struct mutex *lock)\n{\n}\nvoid mutex_unlock(struct mutex *l)\n{\n}\n");
    t.write("drivers/x.c", "#define MID_TX_LOCK_MODE 1\nint mtx_lock_count;\nint unrelated(void) { return 0; }\n");
    REQUIRE(idx_in(t.root(), {"index"}).exit_code == 0);
    auto r = idx_in(t.root(), {"sym", "mtxlck"});
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.rfind("kernel/locking/mutex.c:1:6: function mutex_lock", 0) == 0);
    CHECK_FALSE(has_line(r.out, "unrelated"));
    CHECK(idx_in(t.root(), {"sym", "mtxlck", "--limit", "1"}).out.find('\n') == r.out.find('\n'));
    CHECK(count_lines(idx_in(t.root(), {"sym", "mtxlck", "--limit", "1"}).out) == 1);
    CHECK(idx_in(t.root(), {"sym", "qqqzzz"}).exit_code == 1);
}

TEST_CASE("idx sym sees names defined by files added after the dictionary was built") {
    TempTree t;
    t.write("a.c", "int first_function(void) { return 1; }\n");
    REQUIRE(idx_in(t.root(), {"index"}).exit_code == 0);
    t.write("b.c", "int second_function(void) { return 2; }\n");
    REQUIRE(idx_in(t.root(), {"index"}).exit_code == 0);
    auto r = idx_in(t.root(), {"sym", "scndfn"});
    CHECK(r.exit_code == 0);
    CHECK(has_line(r.out, "b.c:1:5: function second_function"));
}

TEST_CASE("idx outline nests methods under their class with line ranges") {
    Samples s;
    auto r = s.run({"outline", "sample.py"});
    REQUIRE(r.exit_code == 0);
    CHECK(has_line(r.out, "sample.py:27:7: class Inventory  [27-"));
    CHECK(has_line(r.out, "\n  sample.py:"));  // a nested definition is indented
    auto j = s.run({"outline", "--json", "sample.py"});
    CHECK(has_line(j.out, "\"depth\":1"));
}

TEST_CASE("idx outline re-parses a file changed since indexing") {
    TempTree t;
    t.write("m.py", "def old_name():\n    pass\n");
    REQUIRE(idx_in(t.root(), {"index"}).exit_code == 0);
    t.write("m.py", "def new_name():\n    pass\n\ndef another():\n    pass\n");
    auto r = idx_in(t.root(), {"outline", "m.py"});
    CHECK(r.exit_code == 0);
    CHECK(has_line(r.out, "function new_name"));
    CHECK_FALSE(has_line(r.out, "old_name"));
}

TEST_CASE("idx map fits its token budget, is deterministic, and ranks the shared file first") {
    TempTree t;
    t.write("core/list.h", "struct list_node { int v; };\nvoid list_add_node(struct list_node *n);\n"
                           "void list_remove_node(struct list_node *n);\n");
    for (int i = 0; i < 6; ++i) {
        t.write("user" + std::to_string(i) + ".c", "#include \"core/list.h\"\nvoid user_fn_" + std::to_string(i) +
                                                        "(struct list_node *n) { list_add_node(n); list_remove_node(n); }\n");
    }
    REQUIRE(idx_in(t.root(), {"index"}).exit_code == 0);
    auto a = idx_in(t.root(), {"map", "--tokens", "60"});
    REQUIRE(a.exit_code == 0);
    CHECK(a.out.rfind("core/list.h:\n", 0) == 0);
    CHECK(a.out.size() <= 60 * 4);
    CHECK(idx_in(t.root(), {"map", "--tokens", "60"}).out == a.out);
    auto big = idx_in(t.root(), {"map", "--tokens", "2000"});
    CHECK(big.out.size() > a.out.size());
    auto focus = idx_in(t.root(), {"map", "--tokens", "30", "--focus", "user3.c"});
    CHECK(focus.exit_code == 0);
    CHECK(has_line(focus.out, "user3.c"));
    auto json = idx_in(t.root(), {"map", "--json", "--tokens", "60"});
    CHECK(has_line(json.out, "\"tokens\":"));
}

TEST_CASE("idx query prints captures and narrows candidates by the literals of #eq?") {
    TempTree t;
    t.write("a.c", "void f(void) { kmalloc(1, 2); kfree(p); }\n");
    t.write("b.c", "void g(void) { kfree(p); }\n");
    t.write("c.py", "kmalloc(1)\n");
    REQUIRE(idx_in(t.root(), {"index"}).exit_code == 0);
    const std::string q = "(call_expression function: (identifier) @fn (#eq? @fn \"kmalloc\"))";
    auto r = idx_in(t.root(), {"query", q, "--lang", "c"});
    CHECK(r.exit_code == 0);
    CHECK(r.out == "a.c:1:16: @fn kmalloc\n");
    CHECK(idx_in(t.root(), {"query", q, "--lang", "c", "--no-index"}).out == r.out);
    // A file changed since indexing is read even if the index rules it out.
    t.write("b.c", "void g(void) { kmalloc(3, 4); }\n");
    auto fresh = idx_in(t.root(), {"query", q, "--lang", "c"});
    CHECK(has_line(fresh.out, "b.c:1:16: @fn kmalloc"));
    auto json = idx_in(t.root(), {"query", q, "--lang", "c", "--json"});
    CHECK(has_line(json.out, "\"capture\":\"fn\""));
    CHECK(idx_in(t.root(), {"query", "(call_expression function: (identifier) @fn (#eq? @fn \"nothere\"))", "--lang",
                            "c"})
              .exit_code == 1);
}

TEST_CASE("bad input to the symbol commands gets one line on stderr and exit 2") {
    Samples s;
    struct Case {
        std::vector<std::string> args;
        std::string says;
    };
    const std::vector<Case> cases = {
        {{"def", ""}, "the name is empty"},
        {{"def", "x", "--lang", "cobol"}, "--lang cobol"},
        {{"def", "x", "--path", "[unclosed"}, "--path [unclosed"},
        {{"sym", "___"}, "no letter or digit"},
        {{"sym", "x", "--limit", "0"}, "--limit"},
        {{"sym", "x", "--limit", "10001"}, "--limit must be between 1 and 10000"},
        {{"outline", "no/such/file.c"}, "not in the index"},
        {{"outline", "/etc/passwd"}, "outside the indexed tree"},
        {{"outline", "README.none"}, "not in the index"},
        {{"map", "--tokens", "0"}, "--tokens"},
        {{"map", "--focus", "no_such_thing_anywhere"}, "--focus no_such_thing_anywhere"},
        {{"query", "(call_expression", "--lang", "c"}, "row 1, column"},
        {{"query", "(no_such_node) @x", "--lang", "c"}, "unknown node type"},
        {{"query", "(identifier) @x", "--lang", "klingon"}, "--lang klingon"},
        {{"query", "   ", "--lang", "c"}, "the query is empty"},
        {{"query", "@/no/such/query.scm", "--lang", "c"}, "/no/such/query.scm"},
        {{"def"}, "NAME is required"},
    };
    for (const auto& c : cases) {
        auto r = s.run(c.args);
        INFO(c.args[0] << " " << (c.args.size() > 1 ? c.args[1] : "") << " -> " << r.err);
        CHECK(r.exit_code == 2);
        CHECK(count_lines(r.err) == 1);
        CHECK(has_line(r.err, c.says));
    }
    TempTree empty;
    auto r = idx_in(empty.root(), {"def", "x"});
    CHECK(r.exit_code == 2);
    CHECK(has_line(r.err, "no index found"));
}

// Review item of issue #6, tested here: refs and outline read files named
// by the index, not by a walk, so a file swapped since for a symlink that
// leads out of the project must not be read (an MCP client would see it).
TEST_CASE("refs and outline never read through a file swapped for an outward symlink after indexing") {
    TempTree t;
    t.write("outside/secret.c", "int leaked(void) { return foo_fn(); } /* SECRET */\n");
    t.write("proj/a.c", "int foo_fn(void);\nint use(void) { return foo_fn(); }\n");
    t.write("proj/b.c", "int foo_fn(void) { return 1; }\n");
    const std::string proj = t.path("proj");
    REQUIRE(idx_in(proj, {"index"}).exit_code == 0);
    auto before = idx_in(proj, {"refs", "foo_fn"});
    CHECK(before.out.find("a.c:2:") != std::string::npos);  // the check below can fail

    REQUIRE(::unlink(t.path("proj/a.c").c_str()) == 0);
    t.symlink("../outside/secret.c", "proj/a.c");
    auto refs = idx_in(proj, {"refs", "foo_fn"});
    CHECK(refs.out.find("SECRET") == std::string::npos);
    CHECK(refs.out.find("a.c:") == std::string::npos);
    auto outline = idx_in(proj, {"outline", "a.c"});
    CHECK(outline.out.find("leaked") == std::string::npos);
    CHECK(outline.exit_code == 2);
    CHECK(outline.err.find("outside the indexed root") != std::string::npos);
}
