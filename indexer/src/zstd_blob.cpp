#include "indexer/zstd_blob.h"

#include <zstd.h>

#include <memory>

namespace idx::indexer {

std::string zstd_compress(std::string_view raw) {
    std::string out(ZSTD_compressBound(raw.size()), '\0');
    const size_t n = ZSTD_compress(out.data(), out.size(), raw.data(), raw.size(), 3);
    out.resize(ZSTD_isError(n) ? 0 : n);
    return out;
}

std::optional<std::string> zstd_decompress(std::string_view blob, size_t max_size) {
    const unsigned long long size = ZSTD_getFrameContentSize(blob.data(), blob.size());
    if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN || size > max_size) return std::nullopt;
    // One context per thread: creating one costs more than decompressing a
    // small blob (a quarter of an `idx sym` before).
    thread_local std::unique_ptr<ZSTD_DCtx, size_t (*)(ZSTD_DCtx*)> ctx(ZSTD_createDCtx(), &ZSTD_freeDCtx);
    std::string raw(size, '\0');
    const size_t n = ZSTD_decompressDCtx(ctx.get(), raw.data(), raw.size(), blob.data(), blob.size());
    if (ZSTD_isError(n) || n != size) return std::nullopt;
    return raw;
}

}  // namespace idx::indexer
