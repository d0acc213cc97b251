// find_substring() answers as std::string_view::find does, for every needle
// length around the 16-byte blocks it tests at once.
#include <doctest/doctest.h>

#include <random>
#include <string>

#include "common/substring_search.h"

TEST_CASE("find_substring equals std::string_view::find on random text, needles and starts") {
    std::mt19937 rng(1128);
    for (int round = 0; round < 3000; ++round) {
        // A small alphabet makes partial matches (first and last byte equal) common.
        const int alphabet = 2 + static_cast<int>(rng() % 4);
        std::string hay(rng() % 120, 'a');
        for (char& c : hay) c = static_cast<char>('a' + rng() % alphabet);
        std::string needle;
        if (!hay.empty() && rng() % 2) {
            const size_t at = rng() % hay.size();
            needle = hay.substr(at, 1 + rng() % 40);
        } else {
            needle.resize(rng() % 40);
            for (char& c : needle) c = static_cast<char>('a' + rng() % alphabet);
        }
        const std::string_view h(hay);
        INFO("hay ", hay, " needle ", needle);
        for (size_t from = 0; from <= hay.size() + 1; ++from) {
            REQUIRE(idx::find_substring(h, needle, from) == h.find(needle, from));
        }
    }
}

TEST_CASE("find_substring finds every occurrence of a name in a long source text, overlapping ones included") {
    std::string text;
    for (int i = 0; i < 500; ++i) text += (i % 7 == 0 ? "mutex_lock_nested(&m);\n" : "mutex_lock(&m); x = mm;\n");
    text += "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    const std::string_view h(text);
    for (std::string_view needle : {"mutex_lock_nested", "mutex_lock", "m;", "aaa", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}) {
        size_t a = 0, b = 0;
        while (true) {
            a = idx::find_substring(h, needle, a);
            b = h.find(needle, b);
            REQUIRE(a == b);
            if (a == std::string_view::npos) break;
            ++a;
            ++b;
        }
    }
}
