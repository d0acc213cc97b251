// The on-disk form of a posting list (a postings row's `docs` blob): the
// smaller of two encodings of the same ascending file ids.
//   - kDeltaList, then one LEB128 varint per id: the first id itself, then
//     each id's gap from the previous one (always at least 1);
//   - CRoaring's portable serialization, which starts with the byte 0x3A or
//     0x3B (its cookie), never kDeltaList.
// Most trigrams occur in a few hundred of a repository's files: for those a
// gap costs one or two bytes against CRoaring's two per id plus a 16-byte
// header. Lists dense enough for CRoaring's bitmaps (under a byte per id)
// stay CRoaring. On Linux this took the postings from 157 MB to 107 MB.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "indexer/bitmap.h"

namespace idx::indexer {

constexpr char kDeltaList = 0x01;

// Replaces `out` with the encoding of `b`; `b` is run-optimised first.
void encode_postings(roaring_bitmap_t* b, std::string& out);
// The same for a list already held as its delta varints (without the tag
// byte), as PostingBuilder accumulates it; `b` holds the same ids.
void encode_postings(roaring_bitmap_t* b, std::string_view deltas, std::string& out);
// Null when the blob is corrupt (a varint runs past its end or past 32
// bits, a gap is 0, or CRoaring rejects it).
Bitmap decode_postings(std::string_view blob);
// The ids of `blob` that are in `within`, given also as its ascending ids
// (`within_ids`): a delta list is scanned against them without being built
// into a bitmap (building is most of the cost when a short candidate set
// meets a long list). Null when the blob is corrupt, as for decode_postings.
Bitmap intersect_postings(std::string_view blob, const roaring_bitmap_t* within,
                          const std::vector<uint32_t>& within_ids);

}  // namespace idx::indexer
