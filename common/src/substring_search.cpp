#include "common/substring_search.h"

#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace idx {

size_t find_substring(std::string_view hay, std::string_view needle, size_t from) noexcept {
    const size_t n = needle.size();
    if (n < 2 || from > hay.size() || hay.size() - from < n) return hay.find(needle, from);
#if defined(__SSE2__)
    const char* h = hay.data();
    const size_t end = hay.size() - n + 1;  // one past the last possible start
    const __m128i first = _mm_set1_epi8(needle.front()), last = _mm_set1_epi8(needle.back());
    size_t i = from;
    for (; i + 16 <= end; i += 16) {
        const __m128i at_first = _mm_loadu_si128(reinterpret_cast<const __m128i*>(h + i));
        const __m128i at_last = _mm_loadu_si128(reinterpret_cast<const __m128i*>(h + i + n - 1));
        auto mask = static_cast<unsigned>(
            _mm_movemask_epi8(_mm_and_si128(_mm_cmpeq_epi8(at_first, first), _mm_cmpeq_epi8(at_last, last))));
        while (mask != 0) {
            const size_t at = i + static_cast<size_t>(__builtin_ctz(mask));
            if (std::memcmp(h + at + 1, needle.data() + 1, n - 2) == 0) return at;
            mask &= mask - 1;
        }
    }
    return hay.find(needle, i);  // the last < 16 starts
#else
    return hay.find(needle, from);
#endif
}

}  // namespace idx
