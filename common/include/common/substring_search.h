// find_substring(): where a needle next occurs in a haystack, as
// std::string_view::find answers, but fast on needles whose first byte is
// common in the haystack (`mutex_lock_nested` in C source: find stops at
// every `m`). With SSE2, 16 start positions are tested at once on the
// needle's first and last bytes, and only those passing both are compared
// whole; elsewhere it is std::string_view::find. For one-byte needles it is
// memchr.
#pragma once

#include <cstddef>
#include <string_view>

namespace idx {

// The first position >= from at which `needle` occurs in `hay`, or
// std::string_view::npos. An empty needle occurs at `from` when
// from <= hay.size().
size_t find_substring(std::string_view hay, std::string_view needle, size_t from = 0) noexcept;

}  // namespace idx
