// zstd frames for the index's blobs (tags).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace idx::indexer {

// A zstd frame holding `raw` (level 3); "" if zstd fails.
std::string zstd_compress(std::string_view raw);
// The bytes of a zstd frame, or nothing when `blob` is not a whole frame
// (a corrupt index) or would expand past `max_size`. Each thread keeps its
// last 16 frames of up to 64 KiB that were decompressed with kKeep, found
// again by their exact bytes: a symbol lookup reads the same files' tags
// for several names.
enum class FrameCache { kSkip, kKeep };
std::optional<std::string> zstd_decompress(std::string_view blob, size_t max_size = size_t{1} << 31,
                                           FrameCache cache = FrameCache::kSkip);

}  // namespace idx::indexer
