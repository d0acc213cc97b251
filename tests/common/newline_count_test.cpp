// count_newlines() equals std::count on every length around its 16-byte
// blocks and its 255-block lanes, at every alignment.
#include <doctest/doctest.h>

#include <algorithm>
#include <random>
#include <string>

#include "common/newline_count.h"

TEST_CASE("count_newlines equals std::count at every length, alignment and density") {
    std::mt19937 rng(2026);
    for (int round = 0; round < 400; ++round) {
        // Lengths past 255 blocks of 16 test the lanes' flush; dense text
        // fills a lane to its limit.
        const size_t len = round < 200 ? rng() % 80 : 4000 + rng() % 9000;
        const unsigned density = 1 + rng() % 4;  // 1: every byte a newline
        std::string text(len + 16, 'x');
        for (char& c : text) c = rng() % density == 0 ? '\n' : static_cast<char>(rng() % 256);
        for (size_t skew = 0; skew < 16; skew += 5) {
            const char* p = text.data() + skew;
            INFO("len " << len << " skew " << skew << " density " << density);
            CHECK(idx::count_newlines(p, len) == static_cast<uint64_t>(std::count(p, p + len, '\n')));
        }
    }
    const std::string all(255 * 16 * 3 + 7, '\n');
    CHECK(idx::count_newlines(all.data(), all.size()) == all.size());
}
