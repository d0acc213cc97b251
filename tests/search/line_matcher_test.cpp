#include <doctest/doctest.h>

#include <random>
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

TEST_CASE("a match Vectorscan 5.4.9's AVX-512 scanner misses is found (why idx uses Hyperscan 5.4.0 on amd64)") {
    // Found by the queries-vs-rg test; minimised. On an AVX-512 machine
    // Vectorscan 5.4.9 reports no match for `[A-Z]{3}_` here, in every mode;
    // its AVX2 path and Intel's Hyperscan 5.4.0 report GFP_.
    const std::string text = "kkuk;bar fo\nlb \n/*DApno the ring */\n\tp = kmalloc(sizeof(*p), GFP_L);";
    for (const char* p : {"[A-Z]{3}_", "[[:upper:]]{3}_", "[A-Z]+_L"}) {
        CAPTURE(p);
        CHECK(lines(req(p), text) == std::vector<std::string>{"\tp = kmalloc(sizeof(*p), GFP_L);"});
    }
}

TEST_CASE("pure-ASCII text gets the Unicode answers from the byte database") {
    // \w, \b, \d, \s and case folding differ only on non-ASCII characters;
    // the same pattern on text with them uses the Unicode database.
    CHECK(lines(req("\\w+_ops \\{"), "struct a_ops {\nx\n") == std::vector<std::string>{"struct a_ops {"});
    CHECK(lines(req("\\bcpu\\b"), "per_cpu cpu\nxcpu\n") == std::vector<std::string>{"per_cpu cpu"});
    CHECK(lines(req("\\bcpu\\b"), "écpu\n cpu\n") == std::vector<std::string>{" cpu"});
    CHECK(lines(req("^\\w+$"), "été\nab\n") == std::vector<std::string>{"été", "ab"});
    SearchRequest k = req("k");
    k.case_insensitive = true;
    CHECK(lines(k, "K\nx\n") == std::vector<std::string>{"K"});
    CHECK(lines(k, "\xE2\x84\xAA\nx\n") == std::vector<std::string>{"\xE2\x84\xAA"});  // KELVIN SIGN folds to k
    // ... and a KELVIN SIGN in the pattern matches an ASCII k (found by review).
    SearchRequest kelvin = req("\xE2\x84\xAA");
    kelvin.case_insensitive = true;
    CHECK(lines(kelvin, "k\nx\n") == std::vector<std::string>{"k"});
}

TEST_CASE("a plain literal found without Hyperscan matches the lines the regex engine matches") {
    // "(?:lit)" means the literal but is not plain, so it takes the Hyperscan
    // path; -F with the same bytes and the bare literal take the fast path.
    std::mt19937 rng(1129);
    const std::string alphabet = "ab\n\n c";
    int hits = 0;
    for (int round = 0; round < 3000; ++round) {
        std::string text(rng() % 60, 'a');
        for (char& c : text) c = alphabet[rng() % alphabet.size()];
        std::string lit(1 + rng() % 3, 'a');
        for (char& c : lit) c = "abc "[rng() % 4];
        SearchRequest fixed = req(lit);
        fixed.fixed_strings = true;
        const auto want = lines(req("(?:" + lit + ")"), text);
        INFO("text '" << text << "' literal '" << lit << "'");
        CHECK(lines(req(lit), text) == want);
        CHECK(lines(fixed, text) == want);
        hits += !want.empty();
    }
    CHECK(hits > 1000);
    // Several hits on one line report it once; the last line may lack '\n'.
    CHECK(lines(req("ab"), "abab ab\nx\nab") == std::vector<std::string>{"abab ab", "ab"});
    // Punctuation that is a metacharacter, or case folding, is not a literal here.
    CHECK(lines(req("a.c"), "abc\n") == std::vector<std::string>{"abc"});
    SearchRequest folded = req("ABC");
    folded.case_insensitive = true;
    CHECK(lines(folded, "xabcx\n") == std::vector<std::string>{"xabcx"});
}
