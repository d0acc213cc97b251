#include "indexer/binary_detection.h"

#include <cstring>

namespace idx::indexer {

std::optional<BinaryCutoff> binary_cutoff(std::string_view f) {
    const void* first_nul = std::memchr(f.data(), '\0', f.size());
    if (first_nul == nullptr) return std::nullopt;
    const size_t nul = static_cast<size_t>(static_cast<const char*>(first_nul) - f.data());

    constexpr size_t kCapacity = 64 * 1024;
    size_t cap = kCapacity;  // the buffer's current size; it never shrinks
    size_t start = 0;        // absolute offset of the buffer's first byte
    size_t end = 0;          // absolute offset one past the buffer's last byte
    bool first_read = true;
    while (true) {
        // One fill(): read until the new bytes hold a line terminator.
        while (true) {
            if (end - start == cap) cap += 2 * cap;  // ensure_capacity: len + 2*len
            size_t want = first_read ? 3 : cap - (end - start);
            first_read = false;
            size_t n = std::min(want, f.size() - end);
            if (n == 0) return BinaryCutoff{f.size(), nul};  // unreachable: the NUL is ahead
            const size_t old_end = end;
            end += n;
            if (nul >= old_end && nul < end) return BinaryCutoff{start, nul};  // quit, unsearched
            const void* nl = ::memrchr(f.data() + old_end, '\n', n);
            if (nl != nullptr) {
                // Lines up to the last terminator are searched; the rest rolls over.
                start = static_cast<size_t>(static_cast<const char*>(nl) - f.data()) + 1;
                break;
            }
        }
    }
}

}  // namespace idx::indexer
