#include <doctest/doctest.h>

#include "indexer/glob.h"

using idx::indexer::Glob;
using idx::indexer::GlobOptions;

namespace {
bool m(const char* glob, const char* path, GlobOptions o = {}) {
    auto g = Glob::compile(glob, o);
    REQUIRE_MESSAGE(g.ok(), glob);
    return g->match(path);
}
}  // namespace

TEST_CASE("star and question mark never cross a slash") {
    CHECK(m("*.c", "a.c"));
    CHECK_FALSE(m("*.c", "d/a.c"));
    CHECK(m("a?c", "abc"));
    CHECK_FALSE(m("a?c", "a/c"));
    CHECK(m("*.c", "d/a.c", GlobOptions{.literal_separator = false}));
}

TEST_CASE("double star forms match zero or more directories") {
    CHECK(m("**/x", "x"));
    CHECK(m("**/x", "a/b/x"));
    CHECK(m("a/**", "a/b/c"));
    CHECK_FALSE(m("a/**", "a"));
    CHECK(m("a/**/b", "a/b"));
    CHECK(m("a/**/b", "a/x/y/b"));
    CHECK(m("**", "anything/at/all"));
    CHECK(m("a**c", "abc"));       // not next to '/': two stars
    CHECK_FALSE(m("a**c", "a/c"));
}

TEST_CASE("character classes negate with ! or ^ and may match a slash") {
    CHECK(m("[ab]", "a"));
    CHECK_FALSE(m("[ab]", "c"));
    CHECK(m("[!ab]", "c"));
    CHECK(m("[^ab]", "c"));
    CHECK(m("a[!x]c", "a/c"));
    CHECK(m("[]]", "]"));
    CHECK(m("[a-]", "-"));
    CHECK(m("[0-9]x", "7x"));
}

TEST_CASE("alternation, escapes and a stray closing brace") {
    CHECK(m("{a,b}.c", "b.c"));
    CHECK_FALSE(m("{a,b}.c", "c.c"));
    CHECK(m("ab{,c}", "abc"));  // empty alternatives are dropped
    CHECK(m("a}b", "ab"));
    CHECK(m("\\*", "*"));
    CHECK_FALSE(m("\\*", "x"));
}

TEST_CASE("case-insensitive globs fold ASCII letters") {
    CHECK(m("*.C", "x.c", GlobOptions{.case_insensitive = true}));
    CHECK_FALSE(m("*.C", "x.c"));
}

TEST_CASE("malformed globs are errors that name the glob") {
    for (const char* bad : {"a[b", "{a,b", "{a,{b}}", "x\\", "[z-a]"}) {
        auto g = Glob::compile(bad);
        CHECK_FALSE(g.ok());
        if (!g.ok()) CHECK(g.error().message.find(bad) != std::string::npos);
    }
}

TEST_CASE("fast strategies agree with the general matcher") {
    CHECK(Glob::compile("**/foo")->strategy() == Glob::Strategy::kBasenameLiteral);
    CHECK(Glob::compile("**/*.o")->strategy() == Glob::Strategy::kBasenameSuffix);
    CHECK(Glob::compile("a/b")->strategy() == Glob::Strategy::kLiteral);
    CHECK(m("**/*.o", ".o"));
    CHECK(m("**/*.o", "d/x.o"));
    CHECK_FALSE(m("**/*.o", "d/x.o/y"));
    CHECK(m("**/foo", "a/foo"));
    CHECK_FALSE(m("**/foo", "a/xfoo"));
}

TEST_CASE("long globs beyond the bit-parallel limit still match correctly") {
    const std::string stem(70, 'a');
    CHECK(m((stem + "?*.c").c_str(), (stem + "xyz.c").c_str()));
    CHECK_FALSE(m((stem + "?*.c").c_str(), (stem + ".c").c_str()));
    CHECK_FALSE(m((stem + "?*.c").c_str(), (stem + "x/y.c").c_str()));
}
