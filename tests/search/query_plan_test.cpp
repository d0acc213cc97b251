// The query planner must never drop a true match (issue #4, item 2). The
// property test checks plans against the verifier itself (LineMatcher) on
// thousands of random regexes and texts.
#include <doctest/doctest.h>

#include <algorithm>
#include <random>
#include <string>

#include "indexer/trigram.h"
#include "search/line_matcher.h"
#include "search/query_plan.h"

using namespace idx::search;

namespace {

std::string plan(const std::string& pattern, bool icase = false) {
    SearchRequest r;
    r.patterns = {pattern};
    r.case_insensitive = icase;
    return plan_query(r).to_string();
}

std::vector<idx::indexer::Trigram> trigrams_of(const std::string& text) {
    static idx::indexer::TrigramExtractor ex;  // reused: it holds a 2 MiB bitmap of seen trigrams
    std::vector<idx::indexer::Trigram> t;
    ex.extract(text, t);
    std::sort(t.begin(), t.end());
    return t;
}

std::string random_regex(std::mt19937& rng, int depth) {
    static const char* atoms[] = {"a", "b", "c", "A", "B", "ab", "abc", "bca", ".", "[ab]", "[^a]", "[a-c]", "\\w",
                                  "\\d", "\\s", "\\b", "^", "$", "é", "\\x61", " ", "[A-C]", "\\.", "cab"};
    const int choice = static_cast<int>(rng() % (depth > 0 ? 12 : 1));
    auto sub = [&] { return random_regex(rng, depth - 1); };
    switch (choice) {
        case 0: case 1: case 2: case 3:
            return atoms[rng() % (sizeof(atoms) / sizeof(atoms[0]))];
        case 4: return sub() + sub();
        case 5: return sub() + sub() + sub();
        case 6: return "(" + sub() + "|" + sub() + ")";
        case 7: return "(?:" + sub() + ")*";
        case 8: return "(?:" + sub() + ")+";
        case 9: return "(?:" + sub() + ")?";
        case 10: return "(?:" + sub() + "){" + std::to_string(rng() % 3) + "," + std::to_string(2 + rng() % 2) + "}";
        default: return "(?i:" + sub() + ")";
    }
}

std::string random_text(std::mt19937& rng) {
    static const char* pieces[] = {"a", "b", "c", "A", "B", "C", " ", "\n", "é", "É", "abc", "cab", "bca", "1", "."};
    std::string s;
    const size_t n = rng() % 14;
    for (size_t i = 0; i < n; ++i) s += pieces[rng() % (sizeof(pieces) / sizeof(pieces[0]))];
    return s;
}

}  // namespace

TEST_CASE("plans of literal-bearing regexes require their trigrams") {
    CHECK(plan("abcd") == "(and \"abc\" \"bcd\")");
    CHECK(plan("ABCD") == "(and \"abc\" \"bcd\")");  // trigrams are folded
    CHECK(plan("(kmalloc|kzalloc)\\(sizeof").find("(or") != std::string::npos);
    CHECK(plan("struct \\w+_operations \\{").find("\"ope\"") != std::string::npos);
}

TEST_CASE("plans without a usable literal admit every file") {
    CHECK(plan("[A-Z]{24,}") == "+");
    CHECK(plan(".*") == "+");
    CHECK(plan("a|.") == "+");
    CHECK(plan("\\bu8\\b") == "+");
    CHECK(plan("(?x) a b c") == "+");  // verbose syntax is not analysed
    CHECK(plan("x\\1y") == "+");
}

TEST_CASE("a literal newline can never match a line") { CHECK(plan("a\\nb") == "-"); }

TEST_CASE("a non-ASCII letter under -i is any character") {
    CHECK(plan("éabc", false).find("\\xc3") != std::string::npos);
    CHECK(plan("éab", true) == "+");
}

TEST_CASE("the planner never drops a file that has a matching line (random regexes and texts)") {
    std::mt19937 rng(20261127);
    int checked = 0, matched = 0;
    for (int round = 0; round < 1200; ++round) {
        SearchRequest r;
        r.patterns = {random_regex(rng, 3)};
        r.case_insensitive = rng() % 3 == 0;
        auto matcher = LineMatcher::compile(r);
        if (!matcher) continue;  // e.g. an empty repeat Hyperscan rejects
        auto scratch = matcher->make_scratch();
        REQUIRE(scratch.ok());
        const TrigramQuery q = plan_query(r);
        for (int t = 0; t < 10; ++t) {
            const std::string text = random_text(rng);
            bool any = false;
            REQUIRE(matcher->for_each_line(text, *scratch, [&](size_t, size_t) { any = true; }));
            ++checked;
            if (!any) continue;
            ++matched;
            INFO("regex: ", r.patterns[0], " icase: ", r.case_insensitive, " text: ", text, " plan: ", q.to_string());
            CHECK(q.matches(trigrams_of(text)));
        }
    }
    MESSAGE(checked, " texts checked, ", matched, " with a matching line");
    CHECK(matched > 1000);  // the cases really exercise matching
}
