#include "indexer/posting_codec.h"

#include <cstdint>

namespace idx::indexer {
namespace {

void put_gap(std::string& out, uint32_t v) {
    while (v >= 0x80) {
        out.push_back(static_cast<char>(v | 0x80));
        v >>= 7;
    }
    out.push_back(static_cast<char>(v));
}

// Reads one varint of at most 32 bits; false at the end or on overflow.
bool get_gap(const unsigned char*& p, const unsigned char* end, uint64_t& v) {
    if (p == end) return false;
    v = *p & 0x7f;
    if (!(*p++ & 0x80)) return true;
    for (int shift = 7;; shift += 7) {
        if (p == end || shift > 28) return false;
        v |= static_cast<uint64_t>(*p & 0x7f) << shift;
        if (!(*p++ & 0x80)) return v <= UINT32_MAX;
    }
}

enum class Walk { kDone, kStopped, kCorrupt };

// Calls f(id) for each id of a gap stream that continues from `id` (the
// ids before it, or 0 with `first` for a stream holding its first id), in
// order, until f returns false.
template <class F>
Walk each_gap_id(const unsigned char* p, const unsigned char* end, uint64_t id, bool first, F&& f) {
    while (p < end) {
        uint64_t gap = 0;
        if (!get_gap(p, end, gap)) return Walk::kCorrupt;
        if (!first && gap == 0) return Walk::kCorrupt;
        id += gap;
        if (id > UINT32_MAX) return Walk::kCorrupt;
        if (!f(static_cast<uint32_t>(id))) return Walk::kStopped;
        first = false;
    }
    return Walk::kDone;
}

struct SkipBlock {
    uint32_t first;
    const unsigned char *begin, *end;  // the gaps of the ids after `first`
};

// The block table of a kSkipList blob (after its tag); false if corrupt.
bool read_skip_blocks(std::string_view body, std::vector<SkipBlock>& blocks) {
    const auto* p = reinterpret_cast<const unsigned char*>(body.data());
    const auto* end = p + body.size();
    uint64_t n = 0;
    // Each table entry takes two bytes at least: a larger count is corrupt,
    // and must not size the vectors below.
    if (!get_gap(p, end, n) || n > body.size() / 2) return false;
    blocks.resize(n);
    uint64_t first = 0;
    std::vector<uint64_t> lengths(n);
    for (uint64_t i = 0; i < n; ++i) {
        uint64_t d = 0;
        if (!get_gap(p, end, d) || !get_gap(p, end, lengths[i])) return false;
        if (i > 0 && d == 0) return false;
        first += d;
        if (first > UINT32_MAX) return false;
        blocks[i].first = static_cast<uint32_t>(first);
    }
    for (uint64_t i = 0; i < n; ++i) {
        if (lengths[i] > static_cast<uint64_t>(end - p)) return false;
        blocks[i].begin = p;
        p += lengths[i];
        blocks[i].end = p;
    }
    return p == end;
}

void serialize_roaring(const roaring_bitmap_t* b, size_t bytes, std::string& out) {
    out.resize(bytes);
    out.resize(roaring_bitmap_portable_serialize(b, out.data()));
}

void encode_gaps(const std::vector<uint32_t>& ids, std::string& out) {
    out.assign(1, kDeltaList);
    uint32_t prev = 0;
    for (uint32_t id : ids) {
        put_gap(out, id - prev);
        prev = id;
    }
}

void encode_skips(const std::vector<uint32_t>& ids, std::string& out) {
    std::string table, gaps;
    const size_t blocks = (ids.size() + kSkipBlock - 1) / kSkipBlock;
    put_gap(table, static_cast<uint32_t>(blocks));
    uint32_t prev_first = 0;
    for (size_t b = 0; b < blocks; ++b) {
        const size_t begin = b * kSkipBlock, end = std::min(ids.size(), begin + kSkipBlock);
        const size_t before = gaps.size();
        for (size_t i = begin + 1; i < end; ++i) put_gap(gaps, ids[i] - ids[i - 1]);
        put_gap(table, ids[begin] - prev_first);
        put_gap(table, static_cast<uint32_t>(gaps.size() - before));
        prev_first = ids[begin];
    }
    out.assign(1, kSkipList);
    out += table;
    out += gaps;
}

}  // namespace

void encode_postings(roaring_bitmap_t* b, std::string& out) {
    roaring_bitmap_run_optimize(b);
    const size_t roaring = roaring_bitmap_portable_size_in_bytes(b);
    const uint64_t count = roaring_bitmap_get_cardinality(b);
    // Every id costs a varint byte at least: under a byte per id, CRoaring
    // wins. Past kMaxGapIds, CRoaring's vectorised intersections beat
    // scanning gaps, and the bytes saved are fewer (posting_codec.h).
    if (roaring <= count || count > kMaxGapIds) {
        serialize_roaring(b, roaring, out);
        return;
    }
    std::vector<uint32_t> ids(count);
    roaring_bitmap_to_uint32_array(b, ids.data());
    if (count <= kSkipBlock) {
        encode_gaps(ids, out);
    } else {
        encode_skips(ids, out);
    }
    if (out.size() >= roaring) serialize_roaring(b, roaring, out);
}

namespace {

// Calls f(id) for the ids of a gap or block list (`blob`, tag included) in
// order, until f returns false. Of a block list, only the blocks for which
// wanted(first id, next block's first id or 2^32) holds are decoded. False
// when what was read is corrupt.
template <class Wanted, class F>
bool each_listed_id(std::string_view blob, Wanted&& wanted, F&& f) {
    const auto* p = reinterpret_cast<const unsigned char*>(blob.data()) + 1;
    const auto* end = reinterpret_cast<const unsigned char*>(blob.data()) + blob.size();
    if (blob.front() == kDeltaList) return each_gap_id(p, end, 0, true, f) != Walk::kCorrupt;
    std::vector<SkipBlock> blocks;
    if (!read_skip_blocks(blob.substr(1), blocks)) return false;
    uint64_t last = 0;  // the last id read, or the previous block's first id
    for (size_t i = 0; i < blocks.size(); ++i) {
        const SkipBlock& b = blocks[i];
        if (i > 0 && b.first <= last) return false;
        last = b.first;
        if (!wanted(b.first, i + 1 < blocks.size() ? uint64_t{blocks[i + 1].first} : uint64_t{1} << 32)) continue;
        if (!f(b.first)) return true;
        uint32_t id = b.first;
        auto track = [&](uint32_t v) {
            id = v;
            return f(v);
        };
        const Walk w = each_gap_id(b.begin, b.end, b.first, false, track);
        last = id;
        if (w == Walk::kCorrupt) return false;
        if (w == Walk::kStopped) return true;
    }
    return true;
}

bool is_gap_list(std::string_view blob) {
    return !blob.empty() && (blob.front() == kDeltaList || blob.front() == kSkipList);
}

}  // namespace

Bitmap decode_postings(std::string_view blob) {
    if (!is_gap_list(blob)) return Bitmap(roaring_bitmap_portable_deserialize_safe(blob.data(), blob.size()));
    std::vector<uint32_t> ids;
    ids.reserve(blob.size() - 1);
    const bool ok = each_listed_id(
        blob, [](uint64_t, uint64_t) { return true; },
        [&](uint32_t id) {
            ids.push_back(id);
            return true;
        });
    if (!ok) return Bitmap(nullptr);
    return Bitmap(roaring_bitmap_of_ptr(ids.size(), ids.data()));
}

Bitmap intersect_postings(std::string_view blob, const roaring_bitmap_t* within_set,
                          const std::vector<uint32_t>& within) {
    if (!is_gap_list(blob)) {
        Bitmap b(roaring_bitmap_portable_deserialize_safe(blob.data(), blob.size()));
        if (b) roaring_bitmap_and_inplace(b.get(), within_set);
        return b;
    }
    std::vector<uint32_t> both;
    size_t next = 0;
    // A block is read only if a candidate falls below the next block's first id.
    auto wanted = [&](uint64_t first, uint64_t next_first) {
        while (next < within.size() && within[next] < first) ++next;
        return next < within.size() && within[next] < next_first;
    };
    // Merges ids in order with the candidates; stops once every candidate is
    // behind (the rest of the list can hold none of them).
    auto merge = [&](uint32_t id) {
        while (next < within.size() && within[next] < id) ++next;
        if (next == within.size()) return false;
        if (within[next] == id) both.push_back(id);
        return true;
    };
    if (!each_listed_id(blob, wanted, merge)) return Bitmap(nullptr);
    return Bitmap(roaring_bitmap_of_ptr(both.size(), both.data()));
}

}  // namespace idx::indexer
