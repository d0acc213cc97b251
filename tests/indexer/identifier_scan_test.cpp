// used_identifiers (indexer/identifier_scan.h): the names a file uses, for
// the file graph.
#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <random>
#include <string>
#include <unordered_map>

#include "indexer/identifier_scan.h"
#include "indexer/symbol_codec.h"

using namespace idx::indexer;

namespace {
float weight_of(const std::string& name) {
    return name.size() >= 8 || name.find_first_of("_ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 1) != std::string::npos
               ? 1.0f
               : 0.1f;
}
}  // namespace

TEST_CASE("used identifiers skip comments, strings, numbers and short words, and weigh compound names 1") {
    const auto used = used_identifiers(
        "int add(struct list_head *list) { /* kmalloc */ return frob(\"spin_lock\") + 0x1ff + ab; } // mutex\n",
        Lang::kC);
    std::map<int64_t, float> got;
    for (const auto& u : used) got[u.hash] = u.weight;
    CHECK(got.size() == 7);  // int, add, struct, list_head, list, return, frob
    CHECK(got.count(name_hash("list_head")));
    CHECK(got[name_hash("list_head")] == 1.0f);
    CHECK(got[name_hash("add")] == doctest::Approx(0.1f));
    CHECK(got.count(name_hash("frob")));
    CHECK_FALSE(got.count(name_hash("kmalloc")));    // comment
    CHECK_FALSE(got.count(name_hash("spin_lock")));  // string
    CHECK_FALSE(got.count(name_hash("mutex")));      // line comment
    CHECK_FALSE(got.count(name_hash("ab")));         // under 3 bytes
    CHECK_FALSE(got.count(name_hash("x1ff")));       // part of a number
}

TEST_CASE("used identifiers are each distinct name once, sorted by hash, as a plain count of every use says") {
    std::mt19937 rng(20261128);
    const std::vector<std::string> words = {"mutex_lock", "add", "list", "kref_read", "getHTTPCode", "err",
                                            "x86_64", "spin", "spinlock_t", "rcu", "rcu_read_lock", "foo"};
    for (int round = 0; round < 200; ++round) {
        std::string text;
        std::map<int64_t, float> want;
        // Enough uses to make the set grow past its first size.
        const int uses = static_cast<int>(rng() % 3000);
        for (int i = 0; i < uses; ++i) {
            std::string w = words[rng() % words.size()];
            if (rng() % 3 == 0) w += "_" + std::to_string(rng() % 800);  // many distinct names
            text += w;
            text += rng() % 5 == 0 ? "\n" : " + ";
            const int64_t h = name_hash(w);
            want[h] = std::max(want.count(h) ? want[h] : 0.0f, weight_of(w));
        }
        const auto used = used_identifiers(text, Lang::kC);
        REQUIRE(used.size() == want.size());
        size_t i = 0;
        for (const auto& [hash, weight] : want) {
            INFO("round " << round << " entry " << i);
            CHECK(used[i].hash == hash);
            CHECK(used[i].weight == weight);
            ++i;
        }
    }
}

TEST_CASE("two names with one hash are one entry with the larger weight, whichever comes first") {
    // Find a short plain word (weight 0.1) and a compound name (weight 1)
    // with one 32-bit name_hash: 2 x 200k candidates give ~9 such pairs.
    std::mt19937 rng(7);
    std::unordered_map<int64_t, std::string> plain;
    for (int i = 0; i < 200000; ++i) {
        std::string w;
        for (int k = 0; k < 6; ++k) w.push_back(static_cast<char>('a' + rng() % 26));
        plain.emplace(name_hash(w), w);
    }
    std::string a, b;
    for (int i = 0; i < 200000 && a.empty(); ++i) {
        const std::string w = "n_" + std::to_string(rng());
        auto it = plain.find(name_hash(w));
        if (it != plain.end()) a = it->second, b = w;
    }
    REQUIRE_FALSE(a.empty());
    REQUIRE(weight_of(a) == doctest::Approx(0.1f));
    REQUIRE(weight_of(b) == 1.0f);
    for (const std::string& text : {a + " " + b, b + " " + a}) {
        const auto used = used_identifiers(text, Lang::kC);
        REQUIRE(used.size() == 1);
        CHECK(used[0].hash == name_hash(a));
        CHECK(used[0].weight == 1.0f);
    }
}
