#include "indexer/posting_builder.h"

#include "indexer/posting_codec.h"

#include <roaring/roaring.h>

#include <algorithm>
#include <new>
#include <string>
#include <tbb/parallel_for.h>

namespace idx::indexer {

PostingBuilder::PostingBuilder() : slot_(static_cast<int32_t*>(std::calloc(kGramSpace, sizeof(int32_t)))) {
    if (!slot_) throw std::bad_alloc();
}

void PostingBuilder::add(uint32_t file_id, const std::vector<Trigram>& trigrams) {
    for (Trigram t : trigrams) {
        int32_t& s = slot_[t];
        if (s == 0) {
            lists_.emplace_back();
            s = static_cast<int32_t>(lists_.size());
            used_.push_back(t);
        }
        List& l = lists_[static_cast<size_t>(s - 1)];
        uint32_t delta = file_id - l.last;  // ids grow, so delta > 0 (the first is the id itself)
        l.last = file_id;
        const size_t before = l.deltas.capacity();
        while (delta >= 0x80) {
            l.deltas.push_back(static_cast<uint8_t>(delta | 0x80));
            delta >>= 7;
        }
        l.deltas.push_back(static_cast<uint8_t>(delta));
        bytes_ += l.deltas.capacity() - before;
    }
    pairs_ += trigrams.size();
}

Expected<void> PostingBuilder::flush(Db& db, int64_t segment) {
    if (segment > kMaxSegmentId) return Error{ErrorKind::kInternal, "segment id overflow; run idx index --rebuild"};
    auto ins = db.prepare("INSERT INTO postings(key, docs) VALUES (?1, ?2)");
    if (!ins) return std::move(ins).error();
    std::sort(used_.begin(), used_.end());  // rowid order: B-tree appends

    // Encode a chunk of lists in parallel, then insert it serially.
    constexpr size_t kChunk = 8192;
    std::vector<std::string> blobs(kChunk);
    for (size_t base = 0; base < used_.size(); base += kChunk) {
        const size_t n = std::min(kChunk, used_.size() - base);
        tbb::parallel_for(size_t{0}, n, [&](size_t i) {
            List& l = lists_[static_cast<size_t>(slot_[used_[base + i]] - 1)];
            std::vector<uint32_t> ids;
            uint32_t id = 0;
            for (size_t p = 0; p < l.deltas.size();) {
                uint32_t d = 0;
                for (int shift = 0;; shift += 7) {
                    uint8_t b = l.deltas[p++];
                    d |= static_cast<uint32_t>(b & 0x7f) << shift;
                    if (!(b & 0x80)) break;
                }
                id += d;
                ids.push_back(id);
            }
            std::vector<uint8_t>().swap(l.deltas);
            Bitmap b(roaring_bitmap_of_ptr(ids.size(), ids.data()));
            encode_postings(b.get(), blobs[i]);
        });
        for (size_t i = 0; i < n; ++i) {
            ins->bind(1, posting_key(used_[base + i], segment)).bind_blob(2, blobs[i].data(), blobs[i].size());
            if (auto r = ins->run(); !r) return r;
        }
    }
    for (Trigram t : used_) slot_[t] = 0;
    lists_.clear();
    lists_.shrink_to_fit();
    used_.clear();
    pairs_ = 0;
    bytes_ = 0;
    return {};
}

}  // namespace idx::indexer
