// The def_names / ref_names buckets (indexer/name_buckets.h): blobs round
// trip, damaged blobs are rejected without a crash, and a writer's queued
// changes, flushed in batches, leave exactly the pairs a plain set holds.
#include <doctest/doctest.h>

#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "indexer/name_buckets.h"
#include "tests/support/temp_tree.h"

using namespace idx::indexer;
using idx::test::TempTree;

TEST_CASE("name buckets round trip their pairs, including repeated low bits and extreme values") {
    std::mt19937 rng(5);
    for (int round = 0; round < 200; ++round) {
        std::set<NamePair> set;
        const int n = static_cast<int>(rng() % 60);
        for (int i = 0; i < n; ++i) {
            const auto low = static_cast<uint16_t>(rng() % 3 == 0 ? rng() % 4 : rng());
            const int64_t file = rng() % 5 == 0 ? INT64_MAX - static_cast<int64_t>(rng() % 3) : rng() % 100000;
            set.insert({low, file});
        }
        if (round == 0) set = {{0, 0}, {0, INT64_MAX}, {0xffff, 0}, {0xffff, INT64_MAX}};
        const std::vector<NamePair> pairs(set.begin(), set.end());
        std::vector<NamePair> back;
        REQUIRE(decode_name_bucket(encode_name_bucket(pairs), back));
        CHECK(back == pairs);
    }
}

TEST_CASE("a damaged name bucket is rejected, never read past its end") {
    const std::string good = encode_name_bucket({{1, 70000}, {1, 70001}, {0xfff0, 3}});
    std::vector<NamePair> out;
    for (size_t cut = 1; cut < good.size(); ++cut) {
        out.clear();
        const std::string truncated = good.substr(0, cut);
        // A cut between two pairs is a valid shorter bucket; any other cut is an error.
        if (decode_name_bucket(truncated, out)) CHECK(out.size() < 3);
    }
    out.clear();
    std::string overflow;
    overflow += '\xff', overflow += '\xff', overflow += '\x03', overflow += '\x01';  // low 0xffff: fine
    overflow += '\x01', overflow += '\x01';                                           // low 0x10000: corrupt
    CHECK_FALSE(decode_name_bucket(overflow, out));
    out.clear();
    CHECK_FALSE(decode_name_bucket(std::string(12, '\x80'), out));  // a varint that never ends
}

TEST_CASE("a name bucket writer's flushed changes equal a set's, across batches and emptied buckets") {
    TempTree t;
    auto db = Db::open(t.path("names.db"), Db::Mode::kReadWriteCreate);
    REQUIRE(db.ok());
    REQUIRE(db->exec("CREATE TABLE def_names(bucket INTEGER PRIMARY KEY, data BLOB NOT NULL)").ok());
    auto writer = NameBucketWriter::prepare(*db, "def_names");
    auto reader = NameBucketReader::prepare(*db, "def_names");
    REQUIRE(writer.ok());
    REQUIRE(reader.ok());

    // Keys in three buckets, with low bits that collide, so that one bucket
    // holds several keys and one key several files.
    std::vector<int64_t> keys;
    for (uint32_t bucket : {0u, 1u, 0xffffu}) {
        for (uint16_t low : {uint16_t{0}, uint16_t{7}, uint16_t{0xffff}}) keys.push_back(name_key(bucket, low));
    }
    std::set<std::pair<int64_t, int64_t>> model;
    std::mt19937 rng(11);
    for (int batch = 0; batch < 60; ++batch) {
        REQUIRE(db->exec("BEGIN").ok());
        const int ops = static_cast<int>(rng() % 40);
        for (int i = 0; i < ops; ++i) {
            const int64_t key = keys[rng() % keys.size()];
            const int64_t file = 1 + rng() % 6;
            // Late batches mostly remove, so that buckets empty out.
            if (rng() % 100 < (batch < 40 ? 65u : 20u)) {
                writer->add(key, file);
                model.insert({key, file});
            } else {
                writer->remove(key, file);
                model.erase({key, file});
            }
        }
        REQUIRE(writer->flush().ok());
        REQUIRE(db->exec("COMMIT").ok());
        for (int64_t key : keys) {
            auto files = reader->files(key);
            REQUIRE(files.ok());
            std::vector<int64_t> want;
            for (const auto& [k, f] : model) {
                if (k == key) want.push_back(f);
            }
            CHECK(*files == want);
        }
    }
    // Remove everything: every row goes.
    REQUIRE(db->exec("BEGIN").ok());
    for (const auto& [k, f] : model) writer->remove(k, f);
    REQUIRE(writer->flush().ok());
    REQUIRE(db->exec("COMMIT").ok());
    auto rows = db->prepare("SELECT count(*) FROM def_names");
    REQUIRE(rows.ok());
    REQUIRE(rows->step().ok());
    CHECK(rows->int64(0) == 0);
}

TEST_CASE("a name key splits into its bucket and low bits and back, for negative keys too") {
    for (int64_t key : {int64_t{0}, int64_t{1}, int64_t{-1}, int64_t{INT32_MIN}, int64_t{INT32_MAX}, int64_t{-123456}}) {
        CHECK(name_key(name_bucket(key), name_low(key)) == key);
    }
}
