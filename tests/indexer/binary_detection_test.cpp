#include <doctest/doctest.h>

#include <string>

#include "indexer/binary_detection.h"

using idx::indexer::binary_cutoff;

TEST_CASE("text without a NUL byte is not binary") { CHECK_FALSE(binary_cutoff("a\nb\n").has_value()); }

TEST_CASE("a NUL in the first buffer leaves nothing searched") {
    auto c = binary_cutoff(std::string("match\n\0x\n", 9));
    REQUIRE(c.has_value());
    CHECK(c->searched_bytes == 0);
    CHECK(c->nul_offset == 6);
}

TEST_CASE("a late NUL leaves the whole lines of earlier buffers searched") {
    std::string f;
    while (f.size() < 200000) f += "0123456789\n";
    const size_t nul = f.size();
    f += '\0';
    auto c = binary_cutoff(f);
    REQUIRE(c.has_value());
    CHECK(c->nul_offset == nul);
    CHECK(c->searched_bytes > 0);
    CHECK(c->searched_bytes < nul);
    CHECK(f[c->searched_bytes - 1] == '\n');  // only whole lines
}
