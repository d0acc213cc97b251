// The symbol dictionary (indexer/symbol_dictionary.h) against brute force:
// whatever the blocks, groups and pair index skip, a lookup must return
// exactly the names a scan of every name would rank first.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "indexer/index_schema.h"
#include "indexer/symbol_codec.h"
#include "indexer/symbol_dictionary.h"
#include "indexer/symbol_dictionary_builder.h"
#include "indexer/symbol_match.h"
#include "tests/support/temp_tree.h"

using namespace idx::indexer;

namespace {

std::string random_name(std::mt19937& rng) {
    static const std::vector<std::string> parts = {"mutex", "lock", "spin", "k", "malloc", "free", "dma", "map",
                                                   "task", "struct", "Get", "HTTP", "Code", "x", "2", "irq"};
    std::string n = rng() % 4 == 0 ? "__" : "";
    const int segments = 1 + static_cast<int>(rng() % 4);
    for (int s = 0; s < segments; ++s) {
        if (s > 0 && rng() % 2) n += "_";
        n += parts[rng() % parts.size()];
        if (rng() % 5 == 0) n += static_cast<char>('a' + rng() % 26);
    }
    return n;
}

// Every name in one file's tags, as the symbol pass stores them.
void store_names(Db& db, int64_t file, const std::vector<std::string>& names) {
    std::vector<Tag> tags;
    for (const auto& n : names) {
        Tag t;
        t.name = n;
        t.kind = "function";
        t.is_definition = true;
        t.line = t.start_line = t.end_line = 1;
        tags.push_back(t);
    }
    const std::string blob = encode_tags(tags);
    auto st = db.prepare("INSERT INTO tags(file, definitions, references_, data) VALUES (?1, ?2, 0, ?3)");
    REQUIRE(st.ok());
    st->bind(1, file).bind(2, static_cast<int64_t>(tags.size())).bind_blob(3, blob.data(), blob.size());
    REQUIRE(st->run().ok());
}

std::vector<ScoredName> brute_force(const std::set<std::string>& names, const std::string& q, size_t limit) {
    std::vector<ScoredName> all;
    for (const auto& n : names) {
        auto s = fuzzy_score(q, n);
        if (!s) continue;
        const std::string folded = fold_query(n);
        all.push_back({n, *s, folded.compare(0, q.size(), q) == 0});
    }
    std::sort(all.begin(), all.end(), [](const ScoredName& a, const ScoredName& b) {
        if (a.prefix != b.prefix) return a.prefix;
        return a.score != b.score ? a.score > b.score : a.name < b.name;
    });
    if (all.size() > limit) all.resize(limit);
    return all;
}

}  // namespace

TEST_CASE("symbol dictionary lookups equal a scan of every name, with and without the delta, and from blocks in memory") {
    idx::test::TempTree t;
    auto db = open_index_for_write(t.path("index.db"), false);
    REQUIRE(db.ok());
    std::mt19937 rng(5);
    std::set<std::string> names;
    std::vector<std::string> first;
    for (int i = 0; i < 3000; ++i) first.push_back(random_name(rng));
    names.insert(first.begin(), first.end());
    store_names(*db, 1, first);
    REQUIRE(rebuild_symbol_dictionary(*db).ok());
    // The lookup server's copy of the blocks; split_groups 1 makes two
    // threads share every fuzzy tier's groups.
    auto blocks = DecodedDictionary::load(*db);
    REQUIRE(blocks.ok());
    REQUIRE((*blocks)->generation() != 0);
    std::vector<std::string> later;
    for (int i = 0; i < 200; ++i) later.push_back(random_name(rng) + "_new");
    // Files tagged later may define names the dictionary already holds: the
    // delta then repeats them, and a repeat must not count twice when the
    // fuzzy tier bounds what can still enter the answer.
    for (int i = 0; i < 200; ++i) later.push_back(first[rng() % first.size()]);
    auto check_queries = [&](int rounds) {
        for (int round = 0; round < rounds; ++round) {
            // Queries cut from real names (prefixes, abbreviations) and random ones.
            std::string q;
            const std::string& from = *std::next(names.begin(), static_cast<long>(rng() % names.size()));
            const std::string folded = fold_query(from);
            switch (rng() % 3) {
                case 0: q = folded.substr(0, 1 + rng() % folded.size()); break;
                case 1:
                    for (char c : folded) {
                        if (rng() % 2) q += c;
                    }
                    break;
                default:
                    for (int k = 0; k < 1 + static_cast<int>(rng() % 4); ++k) q += static_cast<char>('a' + rng() % 26);
            }
            if (q.empty()) continue;
            // Every match ranked once; each limit's answer is a prefix of it.
            const auto ranked = brute_force(names, q, SIZE_MAX);
            for (size_t limit : {size_t{1}, size_t{10}, size_t{60}}) {
                // The default reads the other matches only when fewer than
                // `limit` names begin with q; SIZE_MAX always reads them,
                // so the fuzzy tier runs after the prefixed names filled
                // the answer (its floor then shuts out every other name).
                for (size_t enough : {size_t{0}, SIZE_MAX}) {
                    const std::vector<ScoredName> want(ranked.begin(),
                                                       ranked.begin() + static_cast<long>(std::min(limit, ranked.size())));
                    // The blocks' ways on every third query: the CI's ASan run
                    // of this test took 36 s with all three on each.
                    SymbolMatchStats from_sqlite;
                    for (int way = 0; way < (round % 3 == 0 ? 3 : 1); ++way) {
                        INFO("query " << q << " limit " << limit << " enough_prefixed " << enough << " way " << way);
                        const DecodedDictionary* in_memory = way == 0 ? nullptr : blocks->get();
                        SymbolMatchStats st;
                        auto got = match_symbol_names(*db, q, limit, &st, enough, in_memory,
                                                      way == 2 ? 1 : kSplitGroups);
                        REQUIRE(got.ok());
                        if (way == 0) from_sqlite = st;
                        // --explain's counts are the same whichever way.
                        CHECK(st.names_scored == from_sqlite.names_scored);
                        CHECK(st.candidate_groups == from_sqlite.candidate_groups);
                        REQUIRE(got->size() == want.size());
                        for (size_t i = 0; i < want.size(); ++i) {
                            CHECK((*got)[i].name == want[i].name);
                            CHECK((*got)[i].score == want[i].score);
                            CHECK((*got)[i].prefix == want[i].prefix);
                        }
                    }
                }
            }
            auto none = match_symbol_names(*db, q, 0);
            REQUIRE(none.ok());
            CHECK(none->empty());
        }
    };
    check_queries(300);
    store_names(*db, 2, later);
    REQUIRE(add_to_symbol_delta(*db, {2}).ok());
    names.insert(later.begin(), later.end());
    check_queries(300);
    // A rebuild makes a new generation: blocks read before it no longer
    // stand in for the dictionary (they lack the delta's names, which the
    // rebuild moved into the blocks and out of the delta).
    REQUIRE(rebuild_symbol_dictionary(*db).ok());
    auto gen = DecodedDictionary::current_generation(*db);
    REQUIRE(gen.ok());
    CHECK(*gen != 0);
    CHECK(*gen != (*blocks)->generation());
    check_queries(100);
    // Queries the old blocks would answer wrongly: the fuzzy tier finds the
    // delta's names there (the query does not begin them).
    auto answers = [&](const DecodedDictionary* in_memory) {
        std::vector<std::vector<ScoredName>> all;
        for (const auto& n : later) {
            auto got = match_symbol_names(*db, fold_query(n).substr(1), 60, nullptr, 0, in_memory, 1);
            REQUIRE(got.ok());
            all.push_back(std::move(*got));
        }
        return all;
    };
    auto same = [](const std::vector<std::vector<ScoredName>>& a, const std::vector<std::vector<ScoredName>>& b) {
        return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](const auto& x, const auto& y) {
            return std::equal(x.begin(), x.end(), y.begin(), y.end(),
                              [](const ScoredName& p, const ScoredName& r) { return p.name == r.name && p.score == r.score; });
        });
    };
    const auto truth = answers(nullptr);
    CHECK(same(answers(blocks->get()), truth));  // retired: SQLite answers
    // Proof that they would be wrong: the same blocks made to look current.
    REQUIRE(write_meta(*db, "dictionary_generation", std::to_string((*blocks)->generation())).ok());
    CHECK(!same(answers(blocks->get()), truth));
    // An index without a generation (an older idx wrote it, and may rebuild
    // it without changing it) is never answered from held blocks, even when
    // their generation, 0, matches: here blocks read at 0, then a rebuild
    // that leaves 0 behind, as an older idx's would.
    REQUIRE(write_meta(*db, "dictionary_generation", "0").ok());
    auto unversioned = DecodedDictionary::load(*db);
    REQUIRE(unversioned.ok());
    REQUIRE((*unversioned)->generation() == 0);
    std::vector<std::string> newest;
    for (int i = 0; i < 200; ++i) newest.push_back(random_name(rng) + "_newest");
    store_names(*db, 3, newest);
    REQUIRE(add_to_symbol_delta(*db, {3}).ok());
    REQUIRE(rebuild_symbol_dictionary(*db).ok());
    REQUIRE(write_meta(*db, "dictionary_generation", "0").ok());
    later = newest;
    CHECK(same(answers(unversioned->get()), answers(nullptr)));
}

TEST_CASE("a query that begins enough names reads no group of the pair index") {
    idx::test::TempTree t;
    auto db = open_index_for_write(t.path("index.db"), false);
    REQUIRE(db.ok());
    std::vector<std::string> names;
    for (int i = 0; i < 500; ++i) names.push_back("kmalloc_variant_" + std::to_string(i));
    for (int i = 0; i < 500; ++i) names.push_back("devm_kmalloc_" + std::to_string(i));
    store_names(*db, 1, names);
    REQUIRE(rebuild_symbol_dictionary(*db).ok());
    SymbolMatchStats st;
    auto got = match_symbol_names(*db, "kmalloc", 20, &st);
    REQUIRE(got.ok());
    CHECK(got->size() == 20);
    CHECK_FALSE(st.fuzzy_tier);
    CHECK(st.names_scored == 500);
    for (const auto& n : *got) CHECK(n.name.rfind("kmalloc_variant_", 0) == 0);
    SymbolMatchStats abbrev;
    auto some = match_symbol_names(*db, "dvmkmlc", 20, &abbrev);
    REQUIRE(some.ok());
    CHECK(abbrev.fuzzy_tier);
    CHECK(some->size() == 20);
    CHECK(abbrev.names_scored < 1000);  // the pair index leaves out kmalloc_variant_*
}
