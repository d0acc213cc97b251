// The on-disk form of a posting list (a postings row's `docs` blob): the
// smallest of three encodings of the same ascending file ids.
//   - kDeltaList, then one LEB128 varint per id: the first id itself, then
//     each id's gap from the previous one (at least 1). Lists of up to
//     kSkipBlock ids.
//   - kSkipList, for longer lists: varint block count; per block of up to
//     kSkipBlock ids, varint(its first id - the previous block's first id)
//     (the first block: the id itself) and varint(its gaps' byte length);
//     then per block the gaps of its ids after the first. A lookup of a few
//     candidates decodes only the blocks that may hold them.
//   - CRoaring's portable serialization, which starts with the byte 0x3A or
//     0x3B (its cookie), never a tag above.
// Most trigrams occur in a few hundred of a repository's files: for those a
// gap costs one or two bytes against CRoaring's two per id plus a 16-byte
// header. Lists of more than kMaxGapIds ids stay CRoaring: intersecting
// them with its vectorised array and bitmap code took refs a third of the
// instructions that scanning their gaps did, for about half the bytes
// saved. On Linux the postings take 157 MB as CRoaring alone, 107 MB with
// gaps for every list, 137 MB with gaps up to 1024 ids.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "indexer/bitmap.h"

namespace idx::indexer {

constexpr char kDeltaList = 0x01;
constexpr char kSkipList = 0x02;
constexpr size_t kSkipBlock = 128;
// Longer lists are always CRoaring (see encode_postings).
constexpr uint64_t kMaxGapIds = 1024;

// Replaces `out` with the encoding of `b`; `b` is run-optimised first.
void encode_postings(roaring_bitmap_t* b, std::string& out);
// Null when the blob is corrupt (a varint runs past its end or past 32
// bits, ids do not grow, a block overruns, or CRoaring rejects it).
Bitmap decode_postings(std::string_view blob);
// The ids of `blob` that are in `within`, given also as its ascending ids
// (`within_ids`): a gap list is scanned against them, block by block for
// kSkipList, without being built into a bitmap. Null when the part of the
// blob it reads is corrupt: the blocks it skips, and the ids after the last
// candidate, are not read, so damage there goes unseen (a damaged list can
// then admit fewer files than decode_postings would reject outright).
Bitmap intersect_postings(std::string_view blob, const roaring_bitmap_t* within,
                          const std::vector<uint32_t>& within_ids);

}  // namespace idx::indexer
