// Every supported language yields its definitions (and references where its
// tags.scm has them) from a small real snippet (issue #3, item 3).
#include <doctest/doctest.h>

#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "indexer/tagger.h"

using namespace idx::indexer;

namespace {

std::vector<Tag> tags_of(Lang lang, const std::string& src) {
    Tagger tagger;
    std::vector<Tag> out;
    auto r = tagger.tag(lang, src, out);
    REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().message));
    REQUIRE(*r == TagOutcome::kOk);
    return out;
}

const Tag* find(const std::vector<Tag>& tags, const std::string& name, bool def) {
    for (const auto& t : tags) {
        if (t.name == name && t.is_definition == def) return &t;
    }
    return nullptr;
}

void expect_def(Lang lang, const std::string& src, const std::string& name, const std::string& kind, uint32_t line) {
    auto tags = tags_of(lang, src);
    const Tag* t = find(tags, name, true);
    INFO(lang_name(lang), ": ", name);
    REQUIRE(t != nullptr);
    CHECK(t->kind == kind);
    CHECK(t->line == line);
}

}  // namespace

TEST_CASE("C functions span their bodies, prototypes are told apart, macros are definitions") {
    const std::string src =
        "#define MAX(a, b) ((a) > (b) ? (a) : (b))\n"
        "struct point { int x, y; };\n"
        "int helper(int a);\n"
        "static int\n"
        "helper(int a)\n"
        "{\n"
        "\treturn MAX(a, 1) + other(a);\n"
        "}\n";
    auto tags = tags_of(Lang::kC, src);
    const Tag* def = nullptr;
    const Tag* proto = nullptr;
    for (const auto& t : tags) {
        if (t.name == "helper" && t.kind == "function") def = &t;
        if (t.name == "helper" && t.kind == "prototype") proto = &t;
    }
    REQUIRE(def != nullptr);
    CHECK(def->line == 5);
    CHECK(def->start_line == 4);
    CHECK(def->end_line == 8);
    CHECK(def->signature == "helper(int a)");
    REQUIRE(proto != nullptr);
    CHECK(proto->line == 3);
    CHECK(find(tags, "other", false) == nullptr);  // C's tags.scm has no references
    REQUIRE(find(tags, "MAX", true) != nullptr);
    CHECK(find(tags, "MAX", true)->kind == "macro");
    REQUIRE(find(tags, "point", true) != nullptr);
}

TEST_CASE("a one-line #define ends on its own line, before the newline") {
    auto tags = tags_of(Lang::kC, "#define ONE 1\n#define TWO 2\n");
    const Tag* one = find(tags, "ONE", true);
    REQUIRE(one != nullptr);
    CHECK(one->start_line == 1);
    CHECK(one->end_line == 1);
    CHECK(one->end_col == 14);  // exclusive: just past "#define ONE 1"
}

TEST_CASE("C++ classes and methods") {
    expect_def(Lang::kCpp, "namespace n {\nclass Widget {\n public:\n  void draw();\n};\n}\n", "Widget", "class", 2);
    expect_def(Lang::kCpp, "void Widget::draw() {\n  paint();\n}\n", "draw", "method", 1);
    auto tags = tags_of(Lang::kCpp, "void Widget::draw() {\n  paint();\n}\n");
    REQUIRE(find(tags, "draw", true) != nullptr);
    CHECK(find(tags, "draw", true)->end_line == 3);  // widened to the body
}

TEST_CASE("Python classes, functions and calls") {
    const std::string src = "class Foo:\n    def bar(self):\n        return baz(1)\n\ndef top():\n    pass\n";
    auto tags = tags_of(Lang::kPython, src);
    REQUIRE(find(tags, "Foo", true) != nullptr);
    CHECK(find(tags, "Foo", true)->kind == "class");
    REQUIRE(find(tags, "bar", true) != nullptr);
    CHECK(find(tags, "bar", true)->scope == "Foo");
    REQUIRE(find(tags, "top", true) != nullptr);
    REQUIRE(find(tags, "baz", false) != nullptr);
}

TEST_CASE("JavaScript predicates drop constructor and require") {
    const std::string src =
        "const fs = require('fs');\nclass A {\n  constructor() {}\n  run() { go(); }\n}\nfunction f() {}\n";
    auto tags = tags_of(Lang::kJavaScript, src);
    CHECK(find(tags, "constructor", true) == nullptr);
    CHECK(find(tags, "require", false) == nullptr);
    REQUIRE(find(tags, "run", true) != nullptr);
    CHECK(find(tags, "run", true)->kind == "method");
    REQUIRE(find(tags, "f", true) != nullptr);
    REQUIRE(find(tags, "go", false) != nullptr);
}

TEST_CASE("TypeScript, TSX, Rust, Go, Java, C#, PHP, Ruby and Bash definitions") {
    expect_def(Lang::kTypeScript, "interface Shape {\n  area(): number;\n}\n", "Shape", "interface", 1);
    expect_def(Lang::kTsx, "function App() {\n  return <div/>;\n}\n", "App", "function", 1);
    expect_def(Lang::kRust, "struct S;\nimpl S {\n    fn go(&self) {}\n}\nfn main() {}\n", "main", "function", 5);
    expect_def(Lang::kRust, "struct S;\nimpl S {\n    fn go(&self) {}\n}\n", "go", "method", 3);
    expect_def(Lang::kGo, "package p\n\nfunc Run() {}\n\ntype T struct{}\n", "Run", "function", 3);
    expect_def(Lang::kJava, "class Main {\n  void run() {}\n}\n", "run", "method", 2);
    expect_def(Lang::kCSharp, "namespace N {\n  class C {\n    void M() {}\n  }\n}\n", "M", "method", 3);
    expect_def(Lang::kPhp, "<?php\nfunction hello() {}\nclass K {}\n", "hello", "function", 2);
    expect_def(Lang::kRuby, "class Dog\n  def bark\n  end\nend\n", "bark", "method", 2);
    expect_def(Lang::kBash, "#!/bin/bash\ngreet() {\n  echo hi\n}\nNAME=x\n", "greet", "function", 2);
    expect_def(Lang::kBash, "NAME=x\n", "NAME", "variable", 1);
}

TEST_CASE("Ruby's local variables are not references") {
    auto tags = tags_of(Lang::kRuby, "def f\n  x = 1\n  x\n  y\nend\n");
    CHECK(find(tags, "x", false) == nullptr);
    CHECK(find(tags, "y", false) != nullptr);
}

TEST_CASE("an unknown language has no grammar") {
    Tagger tagger;
    std::vector<Tag> out;
    auto r = tagger.tag(Lang::kUnknown, "x", out);
    REQUIRE(r.ok());
    CHECK(*r == TagOutcome::kNoGrammar);
}

namespace {

// The definition of a scope, read pairwise: of the definitions other than
// the tag itself whose extent holds its name, the one starting last, the
// narrower on a tie, the later in the list on one extent.
std::string naive_scope(const std::vector<Tag>& tags, size_t i) {
    const Tag& t = tags[i];
    const Tag* best = nullptr;
    for (size_t d = 0; d < tags.size(); ++d) {
        const Tag& def = tags[d];
        if (d == i || !def.is_definition) continue;
        const bool holds = std::tie(def.start_line, def.start_col) <= std::tie(t.line, t.col) &&
                           std::tie(t.line, t.col) < std::tie(def.end_line, def.end_col);
        if (!holds) continue;
        if (best == nullptr || std::tie(best->start_line, best->start_col) < std::tie(def.start_line, def.start_col) ||
            (std::tie(best->start_line, best->start_col) == std::tie(def.start_line, def.start_col) &&
             std::tie(def.end_line, def.end_col) <= std::tie(best->end_line, best->end_col))) {
            best = &def;
        }
    }
    return best ? best->name : "";
}

}  // namespace

TEST_CASE("scopes from the sweep equal the pairwise reading, on nested, overlapping and tied extents") {
    std::mt19937 rng(20261128);
    for (int round = 0; round < 400; ++round) {
        std::vector<Tag> tags(1 + rng() % 40);
        const uint32_t lines = 1 + rng() % 30;
        for (size_t i = 0; i < tags.size(); ++i) {
            Tag& t = tags[i];
            t.name = "n" + std::to_string(i);
            t.is_definition = rng() % 3 != 0;
            t.line = 1 + rng() % lines;
            t.col = 1 + rng() % 4;
            // Most extents hold their own name; some (damaged trees) need not.
            t.start_line = rng() % 8 == 0 ? 1 + rng() % lines : t.line - std::min<uint32_t>(t.line - 1, rng() % 3);
            t.start_col = 1 + rng() % 4;
            t.end_line = t.start_line + rng() % 10;
            t.end_col = 1 + rng() % 4;
        }
        std::vector<std::string> want;
        for (size_t i = 0; i < tags.size(); ++i) want.push_back(naive_scope(tags, i));
        assign_scopes(tags);
        for (size_t i = 0; i < tags.size(); ++i) {
            INFO("round ", round, ", tag ", i);
            CHECK(tags[i].scope == want[i]);
        }
    }
}
