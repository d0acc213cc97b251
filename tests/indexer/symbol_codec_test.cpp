// The tags blob (indexer/symbol_codec.h): a round trip keeps every field,
// large files are split into parts, a lookup by name returns exactly the
// tags of that name, and a damaged blob is an error, never a crash.
#include <doctest/doctest.h>

#include <random>
#include <string>
#include <vector>

#include "indexer/symbol_codec.h"
#include "indexer/zstd_blob.h"

using namespace idx::indexer;

namespace {

std::vector<Tag> random_tags(std::mt19937& rng, size_t n) {
    std::vector<Tag> tags;
    for (size_t i = 0; i < n; ++i) {
        Tag t;
        t.name = "name_" + std::to_string(rng() % (n / 4 + 1));
        t.kind = rng() % 2 ? "function" : "call";
        t.is_definition = t.kind == "function";
        t.line = 10 + static_cast<uint32_t>(i);
        t.col = 1 + rng() % 40;
        t.start_line = t.line - rng() % 5;
        t.start_col = rng() % 9;
        t.end_line = t.line + rng() % 30;
        t.end_col = rng() % 80;
        t.scope = rng() % 3 ? "" : "outer";
        if (t.is_definition) t.signature = "int " + t.name + "(void)";
        tags.push_back(t);
    }
    return tags;
}

bool same(const Tag& a, const Tag& b) {
    return a.name == b.name && a.kind == b.kind && a.is_definition == b.is_definition && a.line == b.line &&
           a.col == b.col && a.start_line == b.start_line && a.start_col == b.start_col && a.end_line == b.end_line &&
           a.end_col == b.end_col && a.scope == b.scope && a.signature == b.signature;
}

}  // namespace

TEST_CASE("tags survive encoding whole, in one frame or in parts, and a lookup by name decodes only its own") {
    std::mt19937 rng(3);
    for (size_t n : {size_t{0}, size_t{1}, kTagsPerPart, kTagsPerPart + 1, size_t{5000}}) {
        INFO(n << " tags");
        const auto tags = random_tags(rng, n);
        const std::string blob = encode_tags(tags);
        CHECK((blob.front() == kPartedTags) == (n > kTagsPerPart));
        auto back = decode_tags(blob);
        REQUIRE(back.ok());
        REQUIRE(back->size() == tags.size());
        for (size_t i = 0; i < n; ++i) CHECK(same((*back)[i], tags[i]));
        for (const std::string name : {"name_0", "name_7", "absent"}) {
            auto named = decode_tags_named(blob, name);
            REQUIRE(named.ok());
            std::vector<Tag> want;
            for (const auto& t : tags) {
                if (t.name == name) want.push_back(t);
            }
            REQUIRE(named->size() == want.size());
            for (size_t i = 0; i < want.size(); ++i) CHECK(same((*named)[i], want[i]));
        }
    }
}

TEST_CASE("a truncated or altered tags blob is a corrupt-index error, never a crash") {
    std::mt19937 rng(4);
    const std::string blob = encode_tags(random_tags(rng, 600));
    for (size_t cut = 0; cut < blob.size(); cut += 1 + cut / 7) {
        auto r = decode_tags(blob.substr(0, cut));
        CHECK_FALSE(r.ok());
        auto named = decode_tags_named(blob.substr(0, cut), "name_1");
        if (!named.ok()) CHECK(named.error().kind == idx::ErrorKind::kCorrupt);
    }
    for (int round = 0; round < 300; ++round) {
        std::string bad = blob;
        bad[rng() % bad.size()] = static_cast<char>(rng());
        auto r = decode_tags(bad);  // whatever it says, it must not crash or hang
        if (!r.ok()) CHECK(r.error().kind == idx::ErrorKind::kCorrupt);
    }
}

TEST_CASE("zstd frames read again come back from the recent-frames cache unchanged, never another frame's bytes") {
    // Frames of one size and different contents, read in an order that
    // revisits some and pushes others out of the 16 kept.
    std::mt19937 rng(77);
    std::vector<std::string> raws, frames;
    for (int i = 0; i < 40; ++i) {
        std::string raw(2000, 'a');
        for (char& c : raw) c = static_cast<char>('a' + rng() % 3);
        raws.push_back(raw);
        frames.push_back(idx::indexer::zstd_compress(raw));
    }
    for (int round = 0; round < 400; ++round) {
        const size_t i = rng() % (round < 200 ? 8 : frames.size());
        auto back = idx::indexer::zstd_decompress(frames[i], size_t{1} << 20, idx::indexer::FrameCache::kKeep);
        REQUIRE(back.has_value());
        CHECK(*back == raws[i]);
    }
    // A damaged copy of a cached frame is read afresh, and rejected.
    std::string damaged = frames[0];
    damaged[damaged.size() / 2] ^= 0x5a;
    auto bad = idx::indexer::zstd_decompress(damaged, size_t{1} << 20, idx::indexer::FrameCache::kKeep);
    CHECK((!bad.has_value() || *bad != raws[0]));
}
