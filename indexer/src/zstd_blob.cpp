#include "indexer/zstd_blob.h"

#include <zstd.h>

#include <memory>
#include <vector>

namespace idx::indexer {

std::string zstd_compress(std::string_view raw) {
    std::string out(ZSTD_compressBound(raw.size()), '\0');
    const size_t n = ZSTD_compress(out.data(), out.size(), raw.data(), raw.size(), 3);
    out.resize(ZSTD_isError(n) ? 0 : n);
    return out;
}

namespace {

// The last few frames this thread decompressed, by their exact bytes. A
// symbol lookup reads the same files' tags for several names (`sym mtxlck`
// decompressed 31 frames, 15 of them distinct: mutex.h for each mutex_*
// name), and decompressing costs ~100x comparing a frame's bytes.
class RecentFrames {
public:
    const std::string* find(std::string_view frame) const {
        for (const Entry& e : entries_) {
            if (e.frame.size() == frame.size() && e.frame == frame) return &e.raw;
        }
        return nullptr;
    }
    void add(std::string_view frame, const std::string& raw) {
        if (frame.size() + raw.size() > kMaxEntryBytes) return;
        if (entries_.size() < kEntries) entries_.emplace_back();
        Entry& e = entries_[next_++ % kEntries];
        e.frame.assign(frame);
        e.raw = raw;
    }

private:
    static constexpr size_t kEntries = 16, kMaxEntryBytes = 1 << 16;
    struct Entry {
        std::string frame, raw;
    };
    std::vector<Entry> entries_;
    size_t next_ = 0;
};

}  // namespace

std::optional<std::string> zstd_decompress(std::string_view blob, size_t max_size, FrameCache cache) {
    thread_local RecentFrames recent;
    const unsigned long long size = ZSTD_getFrameContentSize(blob.data(), blob.size());
    if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN || size > max_size) return std::nullopt;
    if (cache == FrameCache::kKeep) {
        if (const std::string* raw = recent.find(blob)) return *raw;
    }
    // One context per thread: creating one costs more than decompressing a
    // small blob (a quarter of an `idx sym` before).
    thread_local std::unique_ptr<ZSTD_DCtx, size_t (*)(ZSTD_DCtx*)> ctx(ZSTD_createDCtx(), &ZSTD_freeDCtx);
    std::string raw(size, '\0');
    const size_t n = ZSTD_decompressDCtx(ctx.get(), raw.data(), raw.size(), blob.data(), blob.size());
    if (ZSTD_isError(n) || n != size) return std::nullopt;
    if (cache == FrameCache::kKeep) recent.add(blob, raw);
    return raw;
}

}  // namespace idx::indexer
