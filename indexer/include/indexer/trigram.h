// Trigrams and word grams: the units of the content index.
//
// A trigram is three consecutive bytes with ASCII letters folded to lower
// case, packed into 24 bits. Trigrams holding a '\n' are never indexed: a
// match never spans lines (no multiline mode), so no query needs them.
//
// A word gram stands for a whole word: a maximal run of [A-Za-z0-9_] bytes
// (see indexed_word() for which), case-folded and hashed into one of 2^18
// buckets, numbered after
// the trigrams (keys kTrigramSpace..kGramSpace). A file holding a word lists
// the word's bucket, so a bucket's files are a superset of the word's: a
// filter, never an answer. `idx refs` narrows by it (a use is a whole
// identifier), where a name's trigrams alone admit every file that merely
// contains the name inside a longer one. Only the files refs reads get word
// grams (source files a grammar parses, at most kMaxSymbolBytes).
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

namespace idx::indexer {

using Trigram = uint32_t;
constexpr Trigram kTrigramSpace = 1u << 24;
constexpr int kWordGramBits = 18;
// Posted, instead of word grams, for a file a grammar parses that gets none
// (binary, or over kMaxSymbolBytes), so that refs can count the files it
// does not read rather than never see them.
constexpr Trigram kNoWordGrams = kTrigramSpace + (1u << kWordGramBits);
constexpr Trigram kGramSpace = kNoWordGrams + 64;  // a whole word of the extractor's bitset

constexpr unsigned char fold_ascii(unsigned char c) {
    return static_cast<unsigned char>(c - 'A') < 26 ? static_cast<unsigned char>(c + 32) : c;
}

constexpr Trigram make_trigram(unsigned char a, unsigned char b, unsigned char c) {
    return (Trigram{fold_ascii(a)} << 16) | (Trigram{fold_ascii(b)} << 8) | Trigram{fold_ascii(c)};
}

constexpr bool word_byte(unsigned char c) {
    return static_cast<unsigned char>((c | 0x20) - 'a') < 26 || static_cast<unsigned char>(c - '0') < 10 || c == '_';
}

// Which words get a gram: at least kMinWordGram bytes, not starting with a
// digit. Shorter words and numbers are in most files (or mean nothing to
// refs); a query for one narrows by trigrams alone.
constexpr size_t kMinWordGram = 4;
constexpr bool indexed_word(size_t len, bool digit_first) { return len >= kMinWordGram && !digit_first; }
constexpr bool indexed_word(std::string_view word) {
    return !word.empty() && indexed_word(word.size(), static_cast<unsigned char>(word[0] - '0') < 10);
}

// The gram of a whole word (only word bytes; see indexed_word()). Hashed 8
// bytes at a time: each byte OR 0x20 folds ASCII case (digits keep their
// value and '_' becomes 0x7f, so distinct words stay distinct), and the
// length seeds the hash. The extractor and queries both call this.
inline Trigram word_gram(const unsigned char* word, size_t len) {
    uint64_t h = 0x9e3779b97f4a7c15ull ^ (len * 0xff51afd7ed558ccdull);
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t chunk;
        std::memcpy(&chunk, word + i, 8);
        h = (h ^ (chunk | 0x2020202020202020ull)) * 0xc4ceb9fe1a85ec53ull;
        h ^= h >> 29;
    }
    if (i < len) {
        uint64_t chunk = 0;
        std::memcpy(&chunk, word + i, len - i);
        const uint64_t fold = 0x2020202020202020ull >> (8 * (8 - (len - i)));
        h = (h ^ (chunk | fold)) * 0xc4ceb9fe1a85ec53ull;
        h ^= h >> 29;
    }
    return kTrigramSpace + static_cast<Trigram>((h * 0x9e3779b97f4a7c15ull) >> (64 - kWordGramBits));
}
inline Trigram word_gram(std::string_view word) {
    return word_gram(reinterpret_cast<const unsigned char*>(word.data()), word.size());
}

// Collects the distinct trigrams and word grams of a text. Reusable and
// cheap to reuse; owns a 2 MiB (+32 KiB) bitset, so keep one per thread.
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
