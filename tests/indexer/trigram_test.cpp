#include <doctest/doctest.h>

#include <algorithm>
#include <random>
#include <set>
#include <string>

#include "indexer/trigram.h"

using namespace idx::indexer;

namespace {
bool naive_word_byte(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// The definition, written the slow way: trigrams, then the grams of the
// maximal runs of word bytes.
std::set<Trigram> naive(const std::string& s) {
    std::set<Trigram> out;
    for (size_t i = 0; i + 3 <= s.size(); ++i) {
        if (s[i] == '\n' || s[i + 1] == '\n' || s[i + 2] == '\n') continue;
        out.insert(make_trigram(static_cast<unsigned char>(s[i]), static_cast<unsigned char>(s[i + 1]),
                                static_cast<unsigned char>(s[i + 2])));
    }
    for (size_t i = 0; i < s.size();) {
        if (!naive_word_byte(s[i])) {
            ++i;
            continue;
        }
        size_t j = i;
        while (j < s.size() && naive_word_byte(s[j])) ++j;
        const std::string_view word = std::string_view(s).substr(i, j - i);
        if (word.size() >= 4 && !(word[0] >= '0' && word[0] <= '9')) out.insert(word_gram(word));
        i = j;
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
    CHECK(set.count(word_gram("abcab")) == 1);
    CHECK(set.count(word_gram("abca")) == 0);  // only whole words
    CHECK(set.count(word_gram("abc")) == 0);   // and only words of 4 bytes or more
}

TEST_CASE("word grams are folded, whole words, and numbered after the trigrams") {
    CHECK(word_gram("Mutex_Lock") == word_gram("mutex_lock"));
    CHECK(word_gram("mutex_lock") != word_gram("mutex_lock_nested"));
    for (const char* w : {"a", "u8", "mutex_lock", "x_1"}) {
        CHECK(word_gram(w) >= kTrigramSpace);
        CHECK(word_gram(w) < kGramSpace);
    }
    TrigramExtractor ex;
    std::vector<Trigram> got;
    ex.extract("(mutex_lock_nested) 0x1234abcd", got);
    CHECK(std::count(got.begin(), got.end(), word_gram("mutex_lock_nested")) == 1);
    CHECK(std::count(got.begin(), got.end(), word_gram("mutex_lock")) == 0);
    CHECK(std::count(got.begin(), got.end(), word_gram("0x1234abcd")) == 0);  // numbers get none
    CHECK_FALSE(indexed_word("0x1234abcd"));
    CHECK_FALSE(indexed_word("u8"));
    CHECK(indexed_word("_u8_"));
}

TEST_CASE("trigram extraction equals the naive definition on random bytes") {
    std::mt19937 rng(11);
    TrigramExtractor ex;
    for (int round = 0; round < 300; ++round) {
        std::string s(rng() % 300, '\0');
        for (auto& c : s) c = static_cast<char>(rng() % 4 == 0 ? '\n' : (rng() % 2 ? "Ab_1 "[rng() % 5] : rng() % 256));
        std::vector<Trigram> got;
        ex.extract(s, got);
        std::set<Trigram> set(got.begin(), got.end());
        CHECK(set.size() == got.size());
        CHECK(set == naive(s));
    }
}

TEST_CASE("word grams of words longer than 64 bytes and words across 64-byte blocks equal the naive definition") {
    std::mt19937 rng(12);
    TrigramExtractor ex;
    for (int round = 0; round < 200; ++round) {
        std::string s;
        while (s.size() < 600) {
            s += std::string(1 + rng() % 150, "abcXYZ_09"[rng() % 9]);
            s += std::string(1 + rng() % 3, " (\n\xc3"[rng() % 4]);
        }
        s.resize(rng() % s.size());  // end anywhere: inside a word, on a block edge
        std::vector<Trigram> got;
        ex.extract(s, got);
        std::set<Trigram> set(got.begin(), got.end());
        CHECK(set.size() == got.size());
        CHECK(set == naive(s));
    }
}
