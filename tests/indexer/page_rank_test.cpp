// PageRank over the file graph (indexer/page_rank.h).
#include <doctest/doctest.h>

#include <numeric>

#include "indexer/page_rank.h"

using namespace idx::indexer;

TEST_CASE("the file everyone uses ranks first, and ranks sum to one") {
    // 0..3 all use 4; 4 uses nothing.
    std::vector<Edge> edges{{0, 4, 1}, {1, 4, 1}, {2, 4, 1}, {3, 4, 1}};
    auto r = page_rank(5, edges, {});
    REQUIRE(r.size() == 5);
    for (int i = 0; i < 4; ++i) CHECK(r[4] > r[i]);
    CHECK(std::accumulate(r.begin(), r.end(), 0.0) == doctest::Approx(1.0));
}

TEST_CASE("personalisation moves rank towards the focus") {
    std::vector<Edge> edges{{0, 1, 1}, {1, 2, 1}, {2, 0, 1}, {3, 2, 1}};
    auto plain = page_rank(4, edges, {});
    auto focused = page_rank(4, edges, {0, 0, 0, 1});
    CHECK(focused[3] > plain[3]);
    CHECK(page_rank(4, edges, {0, 0, 0, 1}) == focused);  // deterministic
}
