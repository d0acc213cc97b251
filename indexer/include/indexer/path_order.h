// path_less: the order of `rg --sort path`, a depth-first walk with each
// directory's entries sorted by name. It equals a byte comparison in which
// '/' sorts before every other byte.
#pragma once

#include <string_view>

namespace idx::indexer {

inline bool path_less(std::string_view a, std::string_view b) {
    const size_t n = a.size() < b.size() ? a.size() : b.size();
    for (size_t i = 0; i < n; ++i) {
        if (a[i] == b[i]) continue;
        if (a[i] == '/') return true;
        if (b[i] == '/') return false;
        return static_cast<unsigned char>(a[i]) < static_cast<unsigned char>(b[i]);
    }
    return a.size() < b.size();
}

}  // namespace idx::indexer
