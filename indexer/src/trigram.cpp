#include "indexer/trigram.h"

namespace idx::indexer {

TrigramExtractor::TrigramExtractor() : seen_(kTrigramSpace / 64, 0) {}

void TrigramExtractor::extract(std::string_view text, std::vector<Trigram>& out) {
    const size_t first = out.size();
    const auto* p = reinterpret_cast<const unsigned char*>(text.data());
    const size_t n = text.size();
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
        uint64_t& word = seen_[t >> 6];
        const uint64_t bit = uint64_t{1} << (t & 63);
        if (!(word & bit)) {
            word |= bit;
            out.push_back(t);
        }
    }
    for (size_t i = first; i < out.size(); ++i) seen_[out[i] >> 6] = 0;  // leave the bitset clean
}

}  // namespace idx::indexer
