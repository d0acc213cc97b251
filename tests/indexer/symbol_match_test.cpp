// Fuzzy symbol matching (indexer/symbol_match.h) and the pair filter the
// symbol dictionary relies on: it must never rule out a name that matches.
#include <doctest/doctest.h>

#include <algorithm>
#include <limits>
#include <random>
#include <string>

#include "indexer/symbol_match.h"

using namespace idx::indexer;

namespace {
bool matches(const std::string& query, const std::string& name) {
    return fuzzy_score(fold_query(query), name).has_value();
}
}  // namespace

TEST_CASE("abbreviations find the names they abbreviate") {
    CHECK(matches("mtxlck", "mutex_lock"));
    CHECK(matches("spnlk", "spin_lock"));
    CHECK(matches("mlnested", "mutex_lock_nested"));
    CHECK(matches("gethttpcode", "getHTTPCode"));
    CHECK(matches("ghc", "getHTTPCode"));
    CHECK(matches("MUTEX_LOCK", "mutex_lock"));
}

TEST_CASE("a query whose letters are out of order or too far apart does not match") {
    CHECK_FALSE(matches("kcol", "mutex_lock"));
    CHECK_FALSE(matches("mk", "mutex_lock_nested_helper_function"));  // k is 8 on, and no head
    CHECK_FALSE(matches("xyz", "mutex_lock"));
}

TEST_CASE("exact and prefix matches outrank abbreviations and longer names") {
    const std::string q = fold_query("mutex_lock");
    const int exact = *fuzzy_score(q, "mutex_lock");
    const int longer = *fuzzy_score(q, "mutex_lock_nested");
    CHECK(exact > longer);
    const std::string abbrev = fold_query("mtxlck");
    CHECK(*fuzzy_score(abbrev, "mutex_lock") > *fuzzy_score(abbrev, "MID_TX_LOCK_MODE"));
}

TEST_CASE("every name that matches holds every pair of the query (the dictionary filter never drops a match)") {
    std::mt19937 rng(20261127);
    const std::string alphabet = "abcdelmnostx_AB0";
    int matched = 0;
    for (int i = 0; i < 20000; ++i) {
        std::string name;
        const int len = 1 + static_cast<int>(rng() % 18);
        for (int k = 0; k < len; ++k) name.push_back(alphabet[rng() % alphabet.size()]);
        std::string query;
        const int qlen = 1 + static_cast<int>(rng() % 5);
        for (int k = 0; k < qlen; ++k) query.push_back(alphabet[rng() % (alphabet.size() - 4)]);
        const std::string q = fold_query(query);
        if (q.empty() || !fuzzy_score(q, name)) continue;
        ++matched;
        std::vector<uint16_t> held;
        name_pairs(fold_name(name), held);
        std::sort(held.begin(), held.end());
        for (uint16_t p : query_pairs(q)) {
            INFO("name " << name << " query " << q);
            CHECK(std::binary_search(held.begin(), held.end(), p));
        }
    }
    CHECK(matched > 500);  // the property was exercised
}

namespace {
// Random names with segments of every kind: '_' and '.', lower to upper,
// runs of uppers, letters to digits.
std::string random_name(std::mt19937& rng, const std::string& alphabet, int max_len) {
    std::string name;
    const int len = 1 + static_cast<int>(rng() % static_cast<unsigned>(max_len));
    for (int k = 0; k < len; ++k) name.push_back(alphabet[rng() % alphabet.size()]);
    return name;
}

// The segment rule as ARCHITECTURE.md states it, written plainly.
FoldedName reference_fold(const std::string& name) {
    FoldedName f;
    auto is_lower = [](char c) { return c >= 'a' && c <= 'z'; };
    auto is_upper = [](char c) { return c >= 'A' && c <= 'Z'; };
    auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
    char prev = 0;  // the previous byte if it was kept
    for (char c : name) {
        if (!is_lower(c) && !is_upper(c) && !is_digit(c)) {
            prev = 0;
            continue;
        }
        if (f.chars.size() == kMaxMatchedName) break;
        const bool head = prev == 0 || (is_upper(c) && !is_upper(prev)) || (is_digit(c) != is_digit(prev));
        f.chars.push_back(is_upper(c) ? static_cast<char>(c - 'A' + 'a') : c);
        f.heads.push_back(head ? 1 : 0);
        if (is_lower(c) && is_upper(prev) && f.chars.size() >= 3) f.heads[f.chars.size() - 2] = 1;
        prev = c;
    }
    return f;
}
}  // namespace

TEST_CASE("folding keeps letters and digits and marks segment heads as the match rule states") {
    std::mt19937 rng(20261128);
    const std::string alphabet = "abXYZ09_.-HTTPcode";
    // The last 200 names run past kMaxMatchedName kept bytes, whose rest is
    // not folded.
    for (int i = 0; i < 20200; ++i) {
        const std::string name = random_name(rng, alphabet, i < 20000 ? 24 : 600);
        const FoldedName got = fold_name(name), want = reference_fold(name);
        INFO("name " << name);
        CHECK(got.chars == want.chars);
        CHECK(got.heads == want.heads);
    }
    const FoldedName http = fold_name("getHTTPCode");
    CHECK(http.chars == "gethttpcode");
    CHECK(http.heads == std::vector<uint8_t>{1, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0});
}

TEST_CASE("a score floor skips only names that cannot reach it and never changes a score") {
    std::mt19937 rng(7);
    const std::string alphabet = "abcdelmnostkrx_ABKR0";
    int skipped = 0, kept_at_floor = 0;
    for (int i = 0; i < 30000; ++i) {
        const std::string name = random_name(rng, alphabet, 30);
        const std::string q = fold_query(random_name(rng, "abcdelmnokr", 4));
        const auto exact = fuzzy_score(q, name);
        if (!exact) continue;
        for (int floor : {*exact - 7, *exact - 1, *exact, *exact + 1, *exact + 9}) {
            const auto bounded = fuzzy_score(q, name, floor);
            INFO("name " << name << " query " << q << " floor " << floor);
            if (bounded) CHECK(*bounded == *exact);
            if (*exact >= floor) {
                CHECK(bounded.has_value());
                kept_at_floor += floor == *exact;
            } else if (!bounded) {
                ++skipped;
            }
        }
    }
    CHECK(kept_at_floor > 1000);
    CHECK(skipped > 1000);  // the bound prunes, so the first checks were exercised on skipped names too
}

TEST_CASE("the prepared matcher scores every name exactly as fuzzy_score does, under any floor") {
    std::mt19937 rng(20261128);
    const std::string alphabet = "abcdelmnostkrx_.ABKRX0Z9";
    int matched = 0, long_names = 0, pruned = 0;
    for (int i = 0; i < 40000; ++i) {
        // Every 50th name runs past the matcher's 64 positions.
        const std::string name = random_name(rng, alphabet, i % 50 == 0 ? 160 : 40);
        const std::string q = fold_query(random_name(rng, i % 3 == 0 ? "abcdekr0" : "abcdelmnostkrx0", 7));
        if (q.empty()) continue;
        const FuzzyMatcher matcher(q);
        const auto want = fuzzy_score(q, name);
        bool begins = !(compare_folded_prefix(name, q) == 0);
        const auto got = matcher.score(name, std::numeric_limits<int>::min(), &begins);
        INFO("name " << name << " query " << q);
        CHECK(got == want);
        CHECK(begins == (compare_folded_prefix(name, q) == 0));
        // Folded ahead of time, as the decoded dictionary holds names; the
        // padding is not zeros, so that a read past the name would show.
        std::string marked;
        append_marked_fold(name, marked);
        const size_t folded = marked.size();
        marked.append(kMarkedPadding, static_cast<char>(q[0] | 0x80));
        bool marked_begins = !begins;
        CHECK(matcher.score_marked(std::string_view(marked).substr(0, folded), name, std::numeric_limits<int>::min(),
                                   &marked_begins) == want);
        CHECK(marked_begins == begins);
        if (!want) continue;
        ++matched;
        long_names += fold_name(name).chars.size() > 64;
        for (int floor : {*want - 5, *want, *want + 1, *want + 30}) {
            const auto bounded = matcher.score(name, floor);
            INFO("floor " << floor);
            if (bounded) CHECK(*bounded == *want);
            CHECK(bounded.has_value() == fuzzy_score(q, name, floor).has_value());
            CHECK(matcher.score_marked(std::string_view(marked).substr(0, folded), name, floor, nullptr) == bounded);
            pruned += !bounded;
        }
    }
    CHECK(matched > 2000);  // the property was exercised on matches, long names, and pruned ones
    CHECK(long_names > 20);
    CHECK(pruned > 1000);
}

namespace {
// The exact greedy test the scan stands in for: q a subsequence of name's
// lowercase.
bool subsequence_of_lowercase(const std::string& q, const std::string& name) {
    size_t k = 0;
    for (char c : name) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        if (k < q.size() && c == q[k]) ++k;
    }
    return k == q.size();
}
}  // namespace

TEST_CASE("the subsequence scan fed sorted names with their shared prefixes answers as a scan of each whole name") {
    std::mt19937 rng(20261128);
    const std::string alphabet = "abcdelmnostx_AB0\x12";  // \x12 | 0x20 is '2': a byte the scan may let through
    int kept = 0, turned_away = 0;
    for (int round = 0; round < 400; ++round) {
        // Names up to ~80 bytes (the scan reads 16 at a time), many made
        // from a long prefix of another, so that scans resume deep inside.
        std::vector<std::string> names;
        for (size_t n = 1 + rng() % 40; n > 0; --n) {
            std::string name;
            if (!names.empty() && rng() % 3 != 0) {
                const std::string& base = names[rng() % names.size()];
                name = base.substr(0, base.empty() ? 0 : rng() % (base.size() + 1));
            }
            for (size_t k = rng() % 40; k > 0; --k) name.push_back(alphabet[rng() % alphabet.size()]);
            names.push_back(name);
        }
        std::sort(names.begin(), names.end());
        std::string query;
        for (size_t k = 1 + rng() % 6; k > 0; --k) query.push_back(alphabet[rng() % (alphabet.size() - 5)]);
        const std::string q = fold_query(query + (rng() % 4 == 0 ? "2" : ""));
        SubsequenceScan scan(q);
        std::string prev;
        for (size_t i = 0; i < names.size(); ++i) {
            // Runs of names as a group front codes them: every 4th starts afresh.
            size_t shared = 0;
            if (i % 4 != 0) {
                while (shared < prev.size() && shared < names[i].size() && prev[shared] == names[i][shared]) ++shared;
            }
            const bool may = scan.may_match(names[i], shared);
            INFO("query " << q << " name " << names[i] << " shared " << shared);
            const bool has_control = names[i].find('\x12') != std::string::npos;
            if (!has_control) CHECK(may == subsequence_of_lowercase(q, names[i]));
            if (fuzzy_score(q, names[i])) CHECK(may);  // never turns away a match
            (may ? kept : turned_away) += 1;
            prev = names[i];
        }
    }
    CHECK(kept > 300);  // the property was exercised both ways
    CHECK(turned_away > 300);
}
