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

namespace {

// Calls f(id) for each id of a delta list's varints (after the tag byte) in
// order, until f returns false; false when the list is corrupt.
template <class F>
bool each_delta_id(std::string_view deltas, F&& f) {
    const auto* p = reinterpret_cast<const unsigned char*>(deltas.data());
    const auto* end = p + deltas.size();
    uint64_t id = 0;
    bool first = true;
    while (p < end) {
        uint64_t gap = *p & 0x7f;
        if (*p++ & 0x80) {
            int shift = 7;
            while (true) {
                if (p == end || shift > 28) return false;
                gap |= static_cast<uint64_t>(*p & 0x7f) << shift;
                shift += 7;
                if (!(*p++ & 0x80)) break;
            }
        }
        if (!first && gap == 0) return false;
        id += gap;
        if (id > UINT32_MAX) return false;
        if (!f(static_cast<uint32_t>(id))) return true;
        first = false;
    }
    return true;
}

}  // namespace

Bitmap decode_postings(std::string_view blob) {
    if (blob.empty() || blob.front() != kDeltaList) {
        return Bitmap(roaring_bitmap_portable_deserialize_safe(blob.data(), blob.size()));
    }
    std::vector<uint32_t> ids;
    ids.reserve(blob.size() - 1);
    if (!each_delta_id(blob.substr(1), [&](uint32_t id) {
            ids.push_back(id);
            return true;
        })) {
        return Bitmap(nullptr);
    }
    return Bitmap(roaring_bitmap_of_ptr(ids.size(), ids.data()));
}

Bitmap intersect_postings(std::string_view blob, const roaring_bitmap_t* within_set,
                          const std::vector<uint32_t>& within) {
    if (blob.empty() || blob.front() != kDeltaList) {
        Bitmap b(roaring_bitmap_portable_deserialize_safe(blob.data(), blob.size()));
        if (b) roaring_bitmap_and_inplace(b.get(), within_set);
        return b;
    }
    std::vector<uint32_t> both;
    size_t next = 0;
    // Stops reading once every candidate is behind: the rest of the list
    // can hold none of them (its corruption, if any, goes unseen, as the
    // list's unread bytes do when decode_postings is not called at all).
    const bool ok = each_delta_id(blob.substr(1), [&](uint32_t id) {
        while (next < within.size() && within[next] < id) ++next;
        if (next == within.size()) return false;
        if (within[next] == id) both.push_back(id);
        return true;
    });
    if (!ok) return Bitmap(nullptr);
    return Bitmap(roaring_bitmap_of_ptr(both.size(), both.data()));
}

}  // namespace idx::indexer
