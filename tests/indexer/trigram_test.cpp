#include <doctest/doctest.h>

#include <algorithm>
#include <random>
#include <set>
#include <string>

#include "indexer/trigram.h"

using namespace idx::indexer;

namespace {
// The definition, written the slow way.
std::set<Trigram> naive(const std::string& s) {
    std::set<Trigram> out;
    for (size_t i = 0; i + 3 <= s.size(); ++i) {
        if (s[i] == '\n' || s[i + 1] == '\n' || s[i + 2] == '\n') continue;
        out.insert(make_trigram(static_cast<unsigned char>(s[i]), static_cast<unsigned char>(s[i + 1]),
                                static_cast<unsigned char>(s[i + 2])));
    }
    return out;
}
}  // namespace

TEST_CASE("trigrams are folded, distinct, and never span a line break") {
    TrigramExtractor ex;
    std::vector<Trigram> got;
    ex.extract("ABc\nabcab", got);
    std::set<Trigram> set(got.begin(), got.end());
    CHECK(set.size() == got.size());
    CHECK(set == naive("ABc\nabcab"));
    CHECK(set.count(make_trigram('a', 'b', 'c')) == 1);
    CHECK(set.count(make_trigram('c', '\n', 'a')) == 0);
}

TEST_CASE("trigram extraction equals the naive definition on random bytes") {
    std::mt19937 rng(11);
    TrigramExtractor ex;
    for (int round = 0; round < 300; ++round) {
        std::string s(rng() % 300, '\0');
        for (auto& c : s) c = static_cast<char>(rng() % 4 == 0 ? '\n' : (rng() % 2 ? 'A' + rng() % 3 : rng() % 256));
        std::vector<Trigram> got;
        ex.extract(s, got);
        std::set<Trigram> set(got.begin(), got.end());
        CHECK(set.size() == got.size());
        CHECK(set == naive(s));
    }
}
