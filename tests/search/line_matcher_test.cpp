#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "search/line_matcher.h"

using idx::search::LineMatcher;
using idx::search::SearchRequest;

namespace {
std::vector<std::string> lines(const SearchRequest& r, const std::string& text) {
    auto m = LineMatcher::compile(r);
    REQUIRE(m.ok());
    auto s = m->make_scratch();
    REQUIRE(s.ok());
    std::vector<std::string> out;
    REQUIRE(m->for_each_line(text, *s, [&](size_t off, size_t len) { out.push_back(text.substr(off, len)); }));
    return out;
}
SearchRequest req(std::string p) {
    SearchRequest r;
    r.patterns = {std::move(p)};
    return r;
}
}  // namespace

TEST_CASE("matching lines are reported once each, in order") {
    CHECK(lines(req("o"), "foo\nbar\nbaz boo\n") == std::vector<std::string>{"foo", "baz boo"});
}

TEST_CASE("a match never crosses a line break") {
    CHECK(lines(req("a\\sb"), "a\nb\n").empty());
    CHECK(lines(req("a[^x]b"), "a\nb\n").empty());
    CHECK(lines(req("a\\sb"), "x\na b\n") == std::vector<std::string>{"a b"});
}

TEST_CASE("anchors apply per line and the last line may lack a newline") {
    CHECK(lines(req("^b"), "a\nb") == std::vector<std::string>{"b"});
    CHECK(lines(req("^"), "a\nb") == std::vector<std::string>{"a", "b"});
    CHECK(lines(req("^$"), "a\n\nb\n") == std::vector<std::string>{""});
    CHECK(lines(req(""), "a\nb\n") == std::vector<std::string>{"a", "b"});
}

TEST_CASE("word, line, fixed-string and case flags shape the match") {
    SearchRequest w = req("cpu");
    w.word = true;
    CHECK(lines(w, "cpu x\npercpu\n(cpu)\n") == std::vector<std::string>{"cpu x", "(cpu)"});
    SearchRequest x = req("ab");
    x.line = true;
    CHECK(lines(x, "ab\nabc\n") == std::vector<std::string>{"ab"});
    SearchRequest f = req("a.b(");
    f.fixed_strings = true;
    CHECK(lines(f, "a.b(\naxb(\n") == std::vector<std::string>{"a.b("});
    SearchRequest i = req("HeLLo");
    i.case_insensitive = true;
    CHECK(lines(i, "hello\n") == std::vector<std::string>{"hello"});
}

TEST_CASE("invalid UTF-8 text is still searched") {
    CHECK(lines(req("b"), "a\xff\nb\xfe\n") == std::vector<std::string>{"b\xfe"});
}

TEST_CASE("an invalid regex is an error naming the pattern") {
    auto m = LineMatcher::compile(req("a(b"));
    REQUIRE_FALSE(m.ok());
    CHECK(m.error().message.find("a(b") != std::string::npos);
}
