// Trigrams and word grams: the units of the content index.
//
// A trigram is three consecutive bytes with ASCII letters folded to lower
// case, packed into 24 bits. Trigrams holding a '\n' are never indexed: a
// match never spans lines (no multiline mode), so no query needs them.
//
// A word gram stands for a whole word: a maximal run of [A-Za-z0-9_] bytes,
// folded like trigrams and hashed into one of 2^18 buckets, numbered after
// the trigrams (keys kTrigramSpace..kGramSpace). A file holding a word lists
// the word's bucket, so a bucket's files are a superset of the word's: a
// filter, never an answer. `idx refs` narrows by it (a use is a whole
// identifier), where a name's trigrams alone admit every file that merely
// contains the name inside a longer one. Only the files refs reads get word
// grams (source files a grammar parses, at most kMaxSymbolBytes).
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace idx::indexer {

using Trigram = uint32_t;
constexpr Trigram kTrigramSpace = 1u << 24;
constexpr int kWordGramBits = 18;
constexpr Trigram kGramSpace = kTrigramSpace + (1u << kWordGramBits);

constexpr unsigned char fold_ascii(unsigned char c) {
    return static_cast<unsigned char>(c - 'A') < 26 ? static_cast<unsigned char>(c + 32) : c;
}

constexpr Trigram make_trigram(unsigned char a, unsigned char b, unsigned char c) {
    return (Trigram{fold_ascii(a)} << 16) | (Trigram{fold_ascii(b)} << 8) | Trigram{fold_ascii(c)};
}

constexpr bool word_byte(unsigned char c) {
    return static_cast<unsigned char>((c | 0x20) - 'a') < 26 || static_cast<unsigned char>(c - '0') < 10 || c == '_';
}

// The word hash, one folded byte at a time (FNV-1a), then finished into a
// bucket. The extractor runs it while scanning; word_gram() for a query.
constexpr uint64_t kWordHashSeed = 0xcbf29ce484222325ull;
constexpr uint64_t word_hash_step(uint64_t h, unsigned char c) { return (h ^ fold_ascii(c)) * 0x100000001b3ull; }
constexpr Trigram word_gram_of_hash(uint64_t h) {
    h ^= h >> 31;
    h *= 0x9e3779b97f4a7c15ull;
    return kTrigramSpace + static_cast<Trigram>(h >> (64 - kWordGramBits));
}

// The word gram of `word`, which must be a whole word (only word bytes).
constexpr Trigram word_gram(std::string_view word) {
    uint64_t h = kWordHashSeed;
    for (char c : word) h = word_hash_step(h, static_cast<unsigned char>(c));
    return word_gram_of_hash(h);
}

// Collects the distinct trigrams and word grams of a text. Reusable and
// cheap to reuse; owns a 2 MiB bitset, so keep one per thread.
class TrigramExtractor {
public:
    TrigramExtractor();
    // Appends the distinct trigrams of `text`, and its word grams when
    // `words`, to `out`, in no particular order.
    void extract(std::string_view text, std::vector<Trigram>& out, bool words = true);

private:
    template <bool kWords>
    void extract_impl(std::string_view text, std::vector<Trigram>& out);

    std::vector<uint64_t> seen_;
};

}  // namespace idx::indexer
