#include "indexer/trigram.h"

#include <algorithm>
#include <array>
#include <cstdint>

namespace idx::indexer {
namespace {

constexpr auto kWordBytes = [] {
    std::array<uint8_t, 256> t{};
    for (int c = 0; c < 256; ++c) t[static_cast<size_t>(c)] = word_byte(static_cast<unsigned char>(c)) ? 1 : 0;
    return t;
}();

// Bit j set when p[j] is a word byte, for m <= 64 bytes.
uint64_t word_mask(const unsigned char* p, size_t m) {
    uint64_t mask = 0;
    if (m == 64) {
        for (size_t j = 0; j < 64; j += 8) {
            uint64_t bits = 0;
            for (size_t k = 0; k < 8; ++k) bits |= static_cast<uint64_t>(kWordBytes[p[j + k]]) << k;
            mask |= bits << j;
        }
        return mask;
    }
    for (size_t j = 0; j < m; ++j) mask |= static_cast<uint64_t>(kWordBytes[p[j]]) << j;
    return mask;
}

}  // namespace

TrigramExtractor::TrigramExtractor() : seen_(kGramSpace / 64, 0) {}

void TrigramExtractor::extract(std::string_view text, std::vector<Trigram>& out, bool words) {
    if (words) extract_impl<true>(text, out);
    else extract_impl<false>(text, out);
}

template <bool kWords>
void TrigramExtractor::extract_impl(std::string_view text, std::vector<Trigram>& out) {
    const size_t first = out.size();
    const auto* p = reinterpret_cast<const unsigned char*>(text.data());
    const size_t n = text.size();
    auto add = [&](Trigram g) {
        uint64_t& bits = seen_[g >> 6];
        const uint64_t bit = uint64_t{1} << (g & 63);
        if (!(bits & bit)) {
            bits |= bit;
            out.push_back(g);
        }
    };
    Trigram t = 0;
    size_t run = 0;  // bytes since the last '\n' (capped at 3)
    for (size_t i = 0; i < n; ++i) {
        const unsigned char c = p[i];
        if (c == '\n') {
            run = 0;
            continue;
        }
        t = ((t << 8) | fold_ascii(c)) & (kTrigramSpace - 1);
        if (run < 2) {
            ++run;
            continue;
        }
        add(t);
    }
    if constexpr (kWords) {
        // Word spans from a bitmask of word bytes, 64 bytes at a time: a
        // branch per word rather than per byte (on kernel C this halved the
        // cost of the words over a byte-at-a-time scan).
        auto add_word = [&](size_t start, size_t end) {
            if (indexed_word(end - start, static_cast<unsigned char>(p[start] - '0') < 10)) {
                add(word_gram(p + start, end - start));
            }
        };
        size_t open = SIZE_MAX;  // the start of a word running on from the previous block
        for (size_t base = 0; base < n; base += 64) {
            const size_t m = std::min<size_t>(64, n - base);
            const uint64_t mask = word_mask(p + base, m);
            const uint64_t before = (mask << 1) | (open != SIZE_MAX ? 1 : 0);  // bit j: byte j - 1 is a word byte
            uint64_t starts = mask & ~before;
            uint64_t ends = ~mask & before;  // bit j: a word ends just before byte j
            if (m < 64) ends &= (uint64_t{1} << m) - 1;
            for (; ends != 0; ends &= ends - 1) {
                const size_t end = base + static_cast<size_t>(__builtin_ctzll(ends));
                size_t start = open;
                if (start == SIZE_MAX) {
                    start = base + static_cast<size_t>(__builtin_ctzll(starts));
                    starts &= starts - 1;
                }
                open = SIZE_MAX;
                add_word(start, end);
            }
            if (starts != 0) open = base + static_cast<size_t>(__builtin_ctzll(starts));
        }
        if (open != SIZE_MAX) add_word(open, n);
    }
    for (size_t i = first; i < out.size(); ++i) seen_[out[i] >> 6] = 0;  // leave the bitset clean
}

template void TrigramExtractor::extract_impl<true>(std::string_view, std::vector<Trigram>&);
template void TrigramExtractor::extract_impl<false>(std::string_view, std::vector<Trigram>&);

}  // namespace idx::indexer
