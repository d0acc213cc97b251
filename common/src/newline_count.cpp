#include "common/newline_count.h"

#include <cstring>

#if defined(__SSE2__) && defined(__x86_64__)
#include <emmintrin.h>
#endif

namespace idx {

uint64_t count_newlines(const char* p, size_t n) noexcept {
    uint64_t total = 0;
#if defined(__SSE2__) && defined(__x86_64__)
    // Per 16 bytes, a compare gives 0xff (-1) where a byte is '\n';
    // subtracting it counts into 16 byte-wide lanes, which hold up to 255
    // blocks before psadbw sums them into the total.
    const __m128i nl = _mm_set1_epi8('\n'), zero = _mm_setzero_si128();
    while (n >= 16) {
        const size_t blocks = n / 16 < 255 ? n / 16 : 255;
        __m128i lanes = zero;
        for (size_t b = 0; b < blocks; ++b, p += 16) {
            const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
            lanes = _mm_sub_epi8(lanes, _mm_cmpeq_epi8(v, nl));
        }
        n -= blocks * 16;
        const __m128i sums = _mm_sad_epu8(lanes, zero);  // two 64-bit sums
        total += static_cast<uint64_t>(_mm_cvtsi128_si64(sums)) +
                 static_cast<uint64_t>(_mm_cvtsi128_si64(_mm_unpackhi_epi64(sums, sums)));
    }
#else
    // Eight bytes at a time: a zero byte of w ^ "\n\n..." is a newline.
    constexpr uint64_t kOnes = 0x0101010101010101ull, kNl = kOnes * '\n', kLow7 = kOnes * 0x7f;
    for (; n >= 8; p += 8, n -= 8) {
        uint64_t w;
        std::memcpy(&w, p, 8);
        const uint64_t x = w ^ kNl;
        const uint64_t t = ((x & kLow7) + kLow7) | x;  // high bit set in every non-zero byte
        total += (((~t & (kOnes << 7)) >> 7) * kOnes) >> 56;
    }
#endif
    for (; n > 0; ++p, --n) total += *p == '\n';
    return total;
}

}  // namespace idx
