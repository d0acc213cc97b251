// count_newlines(): how many '\n' bytes a buffer holds, for the line
// numbers of search matches and references. std::count widened every byte
// to a 64-bit lane (~2 GB/s), and was a tenth of `idx refs`'s time and a
// quarter of a search's in a 1 GB file.
#pragma once

#include <cstddef>
#include <cstdint>

namespace idx {

uint64_t count_newlines(const char* p, size_t n) noexcept;

}  // namespace idx
