#include "indexer/posting_codec.h"

#include <cstdint>
#include <vector>

namespace idx::indexer {
namespace {

void put_gap(std::string& out, uint32_t v) {
    while (v >= 0x80) {
        out.push_back(static_cast<char>(v | 0x80));
        v >>= 7;
    }
    out.push_back(static_cast<char>(v));
}

void serialize_roaring(const roaring_bitmap_t* b, size_t bytes, std::string& out) {
    out.resize(bytes);
    out.resize(roaring_bitmap_portable_serialize(b, out.data()));
}

}  // namespace

void encode_postings(roaring_bitmap_t* b, std::string_view deltas, std::string& out) {
    roaring_bitmap_run_optimize(b);
    const size_t roaring = roaring_bitmap_portable_size_in_bytes(b);
    if (1 + deltas.size() < roaring) {
        out.assign(1, kDeltaList);
        out.append(deltas);
        return;
    }
    serialize_roaring(b, roaring, out);
}

void encode_postings(roaring_bitmap_t* b, std::string& out) {
    roaring_bitmap_run_optimize(b);
    const size_t roaring = roaring_bitmap_portable_size_in_bytes(b);
    // Every id costs a varint byte at least: under a byte per id, CRoaring wins.
    if (roaring <= roaring_bitmap_get_cardinality(b)) {
        serialize_roaring(b, roaring, out);
        return;
    }
    struct Gaps {
        std::string deltas;
        uint32_t prev = 0;
    } gaps;
    roaring_iterate(
        b,
        [](uint32_t v, void* p) {
            auto* g = static_cast<Gaps*>(p);
            put_gap(g->deltas, v - g->prev);
            g->prev = v;
            return true;
        },
        &gaps);
    const std::string& deltas = gaps.deltas;
    if (1 + deltas.size() < roaring) {
        out.assign(1, kDeltaList);
        out.append(deltas);
        return;
    }
    serialize_roaring(b, roaring, out);
}

Bitmap decode_postings(std::string_view blob) {
    if (blob.empty() || blob.front() != kDeltaList) {
        return Bitmap(roaring_bitmap_portable_deserialize_safe(blob.data(), blob.size()));
    }
    std::vector<uint32_t> ids;
    ids.reserve(blob.size() - 1);
    const auto* p = reinterpret_cast<const unsigned char*>(blob.data()) + 1;
    const auto* end = reinterpret_cast<const unsigned char*>(blob.data()) + blob.size();
    uint64_t id = 0;
    bool first = true;
    while (p < end) {
        uint64_t gap = *p & 0x7f;
        if (*p++ & 0x80) {
            int shift = 7;
            while (true) {
                if (p == end || shift > 28) return Bitmap(nullptr);
                gap |= static_cast<uint64_t>(*p & 0x7f) << shift;
                shift += 7;
                if (!(*p++ & 0x80)) break;
            }
        }
        if (!first && gap == 0) return Bitmap(nullptr);
        id += gap;
        if (id > UINT32_MAX) return Bitmap(nullptr);
        ids.push_back(static_cast<uint32_t>(id));
        first = false;
    }
    return Bitmap(roaring_bitmap_of_ptr(ids.size(), ids.data()));
}

}  // namespace idx::indexer
