// StructuralQuery::may_match (search/structural_query.h): the literal check
// that spares parsing a file the trigram plan admits but that lacks a
// required literal. It must never rule out a file with a match.
#include <doctest/doctest.h>

#include <random>
#include <string>
#include <vector>

#include "search/structural_query.h"
#include "tests/support/temp_tree.h"

using namespace idx::search;

namespace {

StructuralQuery compile(const std::string& q) {
    auto s = StructuralQuery::compile(q, idx::indexer::Lang::kC);
    REQUIRE_MESSAGE(s.ok(), (s.ok() ? "" : s.error().message));
    return std::move(*s);
}

// The number of captures `q` finds in `text`, parsing it (no literal check).
size_t matches(const StructuralQuery& q, const std::string& text) {
    idx::test::TempTree t;
    t.write("a.c", text);
    size_t n = 0;
    auto stats = q.run({{"a.c", t.path("a.c")}}, [&](const std::vector<CaptureHit>& hits) {
        n += hits.size();
        return true;
    });
    REQUIRE(stats.ok());
    return n;
}

}  // namespace

TEST_CASE("may_match needs every required #eq? literal, any of an #any-of?, and any pattern") {
    const auto eq = compile("(call_expression function: (identifier) @f (#eq? @f \"kmalloc_array\"))");
    CHECK(eq.may_match("p = kmalloc_array(n, size, GFP_KERNEL);"));
    CHECK_FALSE(eq.may_match("p = kmalloc(n); /* c_array of kmalloc_ */ q = arr_ay;"));  // its trigrams, not it
    const auto any = compile("(call_expression function: (identifier) @f (#any-of? @f \"kzalloc\" \"vzalloc\"))");
    CHECK(any.may_match("x = vzalloc(4);"));
    CHECK_FALSE(any.may_match("x = kmalloc(4);"));
    const auto two = compile("((identifier) @a (#eq? @a \"alpha\")) ((identifier) @b (#eq? @b \"beta\"))");
    CHECK(two.may_match("int beta;"));
    CHECK_FALSE(two.may_match("int gamma;"));
    // Negated or optional captures constrain nothing.
    CHECK(compile("((identifier) @a (#not-eq? @a \"alpha\"))").may_match("int x;"));
    CHECK(compile("(call_expression function: (identifier)? @f (#eq? @f \"zz\"))").may_match("f();"));
}

TEST_CASE("may_match never rules out a file in which the query matches (random C, random literals)") {
    std::mt19937 rng(2811);
    const std::vector<std::string> names = {"foo", "bar", "foo_bar", "bar_foo", "fo", "oba", "x"};
    for (int round = 0; round < 60; ++round) {
        std::string text = "void f(void) {\n";
        for (int i = 0; i < 6; ++i) {
            const std::string& a = names[rng() % names.size()];
            const std::string& b = names[rng() % names.size()];
            text += rng() % 2 ? "  " + a + "(" + b + ");\n" : "  int " + a + b + " = " + b + ";\n";
        }
        text += "}\n";
        const std::string& lit = names[rng() % names.size()];
        const auto q = compile("(call_expression function: (identifier) @f (#eq? @f \"" + lit + "\"))");
        INFO(text, "literal ", lit);
        if (matches(q, text) > 0) CHECK(q.may_match(text));
        if (!q.may_match(text)) CHECK(matches(q, text) == 0);
    }
}

TEST_CASE("run with the literal check parses only the files that hold the literal") {
    idx::test::TempTree t;
    t.write("yes.c", "void f(void) { kmalloc_array(1, 2, 3); }\n");
    t.write("no.c", "void f(void) { kmalloc(1); c_array(2); }\n");
    const auto q = compile("(call_expression function: (identifier) @f (#eq? @f \"kmalloc_array\"))");
    const std::vector<StructuralQuery::File> files = {{"no.c", t.path("no.c")}, {"yes.c", t.path("yes.c")}};
    size_t hits = 0;
    auto sink = [&](const std::vector<CaptureHit>& h) {
        hits += h.size();
        return true;
    };
    auto checked = q.run(files, sink, nullptr, true);
    REQUIRE(checked.ok());
    CHECK(checked->parsed == 1);
    CHECK(hits == 1);
    hits = 0;
    auto all = q.run(files, sink, nullptr, false);
    REQUIRE(all.ok());
    CHECK(all->parsed == 2);
    CHECK(hits == 1);
}
