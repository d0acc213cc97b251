#include <doctest/doctest.h>

#include "indexer/gitignore.h"

using idx::indexer::Gitignore;
using idx::indexer::GitignoreBuilder;
using idx::indexer::Match;

namespace {
Gitignore build(std::initializer_list<const char*> lines) {
    GitignoreBuilder b;
    for (const char* l : lines) REQUIRE(b.add_line(l).ok());
    return std::move(b).build();
}
}  // namespace

TEST_CASE("the last matching rule wins") {
    auto g = build({"*.o", "!keep.o"});
    CHECK(g.matched("x.o", false) == Match::kIgnore);
    CHECK(g.matched("keep.o", false) == Match::kWhitelist);
    auto h = build({"!keep.o", "*.o"});
    CHECK(h.matched("keep.o", false) == Match::kIgnore);
}

TEST_CASE("a rule without a slash matches at any depth, one with a slash is anchored") {
    auto g = build({"foo", "a/bar", "/top"});
    CHECK(g.matched("x/y/foo", false) == Match::kIgnore);
    CHECK(g.matched("a/bar", false) == Match::kIgnore);
    CHECK(g.matched("z/a/bar", false) == Match::kNone);
    CHECK(g.matched("top", false) == Match::kIgnore);
    CHECK(g.matched("d/top", false) == Match::kNone);
}

TEST_CASE("a trailing slash restricts a rule to directories") {
    auto g = build({"build/"});
    CHECK(g.matched("build", true) == Match::kIgnore);
    CHECK(g.matched("build", false) == Match::kNone);
}

TEST_CASE("comments, blank lines, escapes and trailing spaces") {
    auto g = build({"# comment", "", "\\#hash", "\\!bang", "spaces   ", "kept\\ "});
    CHECK(g.matched("# comment", false) == Match::kNone);
    CHECK(g.matched("#hash", false) == Match::kIgnore);
    CHECK(g.matched("!bang", false) == Match::kIgnore);
    CHECK(g.matched("spaces", false) == Match::kIgnore);
    CHECK(g.matched("kept ", false) == Match::kIgnore);
    CHECK(g.matched("kept", false) == Match::kNone);
}

TEST_CASE("dir/** matches what is inside the directory but not the directory") {
    auto g = build({"dir/**"});
    CHECK(g.matched("dir/a", false) == Match::kIgnore);
    CHECK(g.matched("dir", true) == Match::kNone);
}

TEST_CASE("a bad line is an error and does not stop later lines") {
    GitignoreBuilder b;
    CHECK_FALSE(b.add_line("a[b").ok());
    CHECK(b.add_line("*.o").ok());
    auto g = std::move(b).build();
    CHECK(g.matched("x.o", false) == Match::kIgnore);
}
