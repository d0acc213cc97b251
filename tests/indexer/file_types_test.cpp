#include <doctest/doctest.h>

#include "indexer/file_types.h"

using namespace idx::indexer;

TEST_CASE("languages are detected from file names") {
    CHECK(detect_lang("main.c") == Lang::kC);
    CHECK(detect_lang("x.h") == Lang::kC);
    CHECK(detect_lang("a.cpp") == Lang::kCpp);
    CHECK(detect_lang("a.tsx") == Lang::kTsx);
    CHECK(detect_lang("Gemfile") == Lang::kRuby);
    CHECK(detect_lang("README") == Lang::kUnknown);
    CHECK(detect_lang(".c") == Lang::kUnknown);
}

TEST_CASE("type selections follow ripgrep: last match wins, unmatched files drop when any -t is given") {
    auto t = TypeMatcher::build({{"c", false}});
    REQUIRE(t.ok());
    CHECK(t->matched("a.c", false) == Match::kWhitelist);
    CHECK(t->matched("a.rs", false) == Match::kIgnore);
    CHECK(t->matched("dir", true) == Match::kNone);
    auto n = TypeMatcher::build({{"c", true}});
    REQUIRE(n.ok());
    CHECK(n->matched("a.c", false) == Match::kIgnore);
    CHECK(n->matched("a.rs", false) == Match::kNone);
}

TEST_CASE("an unknown type name is an error") {
    auto t = TypeMatcher::build({{"klingon", false}});
    REQUIRE_FALSE(t.ok());
    CHECK(t.error().message == "unrecognized file type: klingon");
}
