#include "indexer/trigram.h"

namespace idx::indexer {

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
    Trigram t = 0;
    size_t run = 0;  // bytes since the last '\n' (capped at 3)
    uint64_t word = kWordHashSeed;
    bool in_word = false;
    auto add = [&](Trigram g) {
        uint64_t& bits = seen_[g >> 6];
        const uint64_t bit = uint64_t{1} << (g & 63);
        if (!(bits & bit)) {
            bits |= bit;
            out.push_back(g);
        }
    };
    for (size_t i = 0; i < n; ++i) {
        const unsigned char c = p[i];
        if constexpr (kWords) {
            if (word_byte(c)) {
                word = word_hash_step(word, c);
                in_word = true;
            } else if (in_word) {
                add(word_gram_of_hash(word));
                word = kWordHashSeed;
                in_word = false;
            }
        }
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
    if (in_word) add(word_gram_of_hash(word));
    for (size_t i = first; i < out.size(); ++i) seen_[out[i] >> 6] = 0;  // leave the bitset clean
}

}  // namespace idx::indexer
