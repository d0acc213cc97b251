// Posting list blobs (indexer/posting_codec.h): every list decodes to the
// ids it was built from, in whichever form is smaller, and a damaged blob
// decodes to nothing rather than to wrong ids or a crash.
#include <doctest/doctest.h>

#include <random>
#include <string>
#include <vector>

#include "indexer/posting_codec.h"

using namespace idx::indexer;

namespace {

std::vector<uint32_t> ids_of(const roaring_bitmap_t* b) {
    std::vector<uint32_t> out(roaring_bitmap_get_cardinality(b));
    roaring_bitmap_to_uint32_array(b, out.data());
    return out;
}

std::string deltas_of(const std::vector<uint32_t>& ids) {
    std::string out;
    uint32_t prev = 0;
    for (uint32_t id : ids) {
        uint32_t v = id - prev;
        prev = id;
        while (v >= 0x80) {
            out.push_back(static_cast<char>(v | 0x80));
            v >>= 7;
        }
        out.push_back(static_cast<char>(v));
    }
    return out;
}

}  // namespace

TEST_CASE("posting lists of every density decode to their ids, in the smallest of the three forms") {
    std::mt19937 rng(17);
    bool saw_delta = false, saw_skips = false, saw_roaring = false;
    for (uint32_t density : {1u, 2u, 10u, 30u, 100u, 1000u, 20000u, 60000u}) {
        for (int round = 0; round < 5; ++round) {
            INFO("density " << density << " round " << round);
            std::vector<uint32_t> ids;
            for (uint32_t id = 1 + rng() % 3; id < 200000; id += 1 + rng() % (65536 / density + 1)) ids.push_back(id);
            if (round == 4) ids.push_back(UINT32_MAX);  // the largest id survives both forms
            Bitmap b(roaring_bitmap_of_ptr(ids.size(), ids.data()));
            std::string from_bitmap;
            encode_postings(b.get(), from_bitmap);
            const size_t roaring = roaring_bitmap_portable_size_in_bytes(b.get());
            CHECK(from_bitmap.size() <= roaring);
            if (from_bitmap.front() == kDeltaList) saw_delta = true;
            else if (from_bitmap.front() == kSkipList) saw_skips = true;
            else saw_roaring = true;
            if (from_bitmap.front() == kDeltaList) CHECK(ids.size() <= kSkipBlock);
            if (from_bitmap.front() == kSkipList) CHECK(ids.size() > kSkipBlock);
            if (ids.size() > kMaxGapIds) CHECK(from_bitmap.front() != kDeltaList);
            if (ids.size() > kMaxGapIds) CHECK(from_bitmap.front() != kSkipList);
            Bitmap back = decode_postings(from_bitmap);
            REQUIRE(back);
            CHECK(ids_of(back.get()) == ids);
        }
    }
    CHECK(saw_delta);
    CHECK(saw_skips);
    CHECK(saw_roaring);
}

TEST_CASE("intersecting a stored list with candidates equals decoding it and intersecting, in both forms") {
    std::mt19937 rng(23);
    for (int round = 0; round < 60; ++round) {
        INFO("round " << round);
        std::vector<uint32_t> ids, cands;
        const uint32_t step = 1 + rng() % (round % 3 == 0 ? 3 : round % 3 == 1 ? 330 : 3000);  // CRoaring, skips, gaps
        for (uint32_t id = rng() % 5; id < 150000; id += 1 + rng() % step) ids.push_back(id);
        for (uint32_t id = rng() % 7; id < 160000; id += 1 + rng() % (1 + rng() % 5000)) cands.push_back(id);
        if (round == 0) cands.clear();
        Bitmap b(roaring_bitmap_of_ptr(ids.size(), ids.data()));
        std::string blob;
        encode_postings(b.get(), blob);
        Bitmap within(roaring_bitmap_of_ptr(cands.size(), cands.data()));
        Bitmap got = intersect_postings(blob, within.get(), cands);
        REQUIRE(got);
        Bitmap want = decode_postings(blob);
        REQUIRE(want);
        roaring_bitmap_and_inplace(want.get(), within.get());
        CHECK(ids_of(got.get()) == ids_of(want.get()));
    }
}

TEST_CASE("a cut or altered skip list decodes to nothing or to some ids, never past its end") {
    std::vector<uint32_t> ids;
    for (uint32_t id = 3; ids.size() < 3 * kSkipBlock + 5; id += 7 + id % 300) ids.push_back(id);
    Bitmap b(roaring_bitmap_of_ptr(ids.size(), ids.data()));
    std::string blob;
    encode_postings(b.get(), blob);
    REQUIRE(blob.front() == kSkipList);
    const std::vector<uint32_t> some{ids[0], ids[kSkipBlock + 3], ids.back()};
    Bitmap within(roaring_bitmap_of_ptr(some.size(), some.data()));
    Bitmap found = intersect_postings(blob, within.get(), some);
    REQUIRE(found);
    CHECK(ids_of(found.get()) == some);
    for (size_t cut = 1; cut < blob.size(); ++cut) {
        CHECK_FALSE(decode_postings(blob.substr(0, cut)));  // the block lengths no longer add up
        (void)intersect_postings(blob.substr(0, cut), within.get(), some);
    }
    for (size_t i = 1; i < blob.size(); ++i) {
        std::string altered = blob;
        altered[i] = static_cast<char>(altered[i] ^ 0x5a);
        Bitmap d = decode_postings(altered);
        if (d) CHECK(roaring_bitmap_get_cardinality(d.get()) <= ids.size() * 2);
        (void)intersect_postings(altered, within.get(), some);
    }
}

TEST_CASE("a damaged posting list decodes to nothing") {
    const std::vector<uint32_t> ids{5, 300, 70000, 70001};
    std::string blob(1, kDeltaList);
    blob += deltas_of(ids);
    REQUIRE(decode_postings(blob));
    CHECK_FALSE(decode_postings(blob.substr(0, blob.size() - 2)));  // ends inside a varint (70000's gap is 3 bytes)
    CHECK_FALSE(decode_postings(std::string(1, kDeltaList) + std::string("\x05\x00", 2)));  // a zero gap: ids must grow
    CHECK_FALSE(decode_postings(std::string(1, kDeltaList) + "\xff\xff\xff\xff\x1f"));  // past 32 bits
    CHECK_FALSE(decode_postings(std::string(1, kDeltaList) + "\xff\xff\xff\xff\x0f\x01"));  // UINT32_MAX, then past it
    CHECK_FALSE(decode_postings(std::string("\x3a\x30\x00\x00\x05", 5)));  // a CRoaring header cut short
    CHECK_FALSE(decode_postings(std::string()));
    const std::vector<uint32_t> all{5, 300, 70000, 70001, 90000};
    Bitmap within(roaring_bitmap_of_ptr(all.size(), all.data()));
    CHECK_FALSE(intersect_postings(blob.substr(0, blob.size() - 2), within.get(), all));
    CHECK_FALSE(intersect_postings(std::string(1, kDeltaList) + std::string("\x05\x00", 2), within.get(), all));
}
