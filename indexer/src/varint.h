// LEB128 varints, as the index's blobs store integers (tags, file edges,
// dictionary blocks). Internal to the indexer.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace idx::indexer {

inline void put_varint(std::string& out, uint64_t v) {
    while (v >= 0x80) {
        out.push_back(static_cast<char>(v | 0x80));
        v >>= 7;
    }
    out.push_back(static_cast<char>(v));
}

// Reads one varint from the front of `in` and consumes it; false when `in`
// ends first or the value runs past 64 bits (a corrupt blob).
inline bool get_varint(std::string_view& in, uint64_t& v) {
    v = 0;
    for (int shift = 0; shift < 64 && !in.empty(); shift += 7) {
        const auto b = static_cast<unsigned char>(in.front());
        in.remove_prefix(1);
        v |= static_cast<uint64_t>(b & 0x7f) << shift;
        if (!(b & 0x80)) return true;
    }
    return false;
}

}  // namespace idx::indexer
