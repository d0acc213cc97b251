// Trigrams: the unit of the content index.
//
// A trigram is three consecutive bytes with ASCII letters folded to lower
// case, packed into 24 bits. Trigrams holding a '\n' are never indexed: a
// match never spans lines (no multiline mode), so no query needs them.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace idx::indexer {

using Trigram = uint32_t;
constexpr Trigram kTrigramSpace = 1u << 24;

constexpr unsigned char fold_ascii(unsigned char c) {
    return static_cast<unsigned char>(c - 'A') < 26 ? static_cast<unsigned char>(c + 32) : c;
}

constexpr Trigram make_trigram(unsigned char a, unsigned char b, unsigned char c) {
    return (Trigram{fold_ascii(a)} << 16) | (Trigram{fold_ascii(b)} << 8) | Trigram{fold_ascii(c)};
}

// Collects the distinct trigrams of a text. Reusable and cheap to reuse;
// owns a 2 MiB bitset, so keep one per thread.
class TrigramExtractor {
public:
    TrigramExtractor();
    // Appends the distinct trigrams of `text` to `out`, in no particular order.
    void extract(std::string_view text, std::vector<Trigram>& out);

private:
    std::vector<uint64_t> seen_;
};

}  // namespace idx::indexer
