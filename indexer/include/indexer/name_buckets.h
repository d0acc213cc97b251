// NameBuckets: the def_names / ref_names tables, which map a name's 32-bit
// key (name_hash) to the files that define or reference it.
//
// One row per bucket, the key's upper 16 bits; its blob lists the bucket's
// (lower 16 bits, file) pairs in ascending order, each as
// varint(low - previous low) and then varint(file), or varint(file -
// previous file) when the low bits repeat. On Linux (2.9 million pairs in
// 65,536 buckets) this takes ~15 MB; a row per pair took 40 MB.
//
// Writers queue changes (NameBucketWriter) and apply them per bucket at
// flush(), inside the writer's transaction: a file's names are spread over
// as many buckets as it has names, and each bucket is rewritten once per
// flush however many of its pairs changed.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/expected.h"
#include "indexer/sqlite.h"

namespace idx::indexer {

struct NamePair {
    uint16_t low = 0;  // the key's lower 16 bits
    int64_t file = 0;
    bool operator<(const NamePair& o) const { return low != o.low ? low < o.low : file < o.file; }
    bool operator==(const NamePair& o) const { return low == o.low && file == o.file; }
};

inline uint32_t name_bucket(int64_t key) { return static_cast<uint32_t>(key) >> 16; }
inline uint16_t name_low(int64_t key) { return static_cast<uint16_t>(static_cast<uint32_t>(key) & 0xffff); }
// The key name_hash gave, from its bucket and lower bits.
inline int64_t name_key(uint32_t bucket, uint16_t low) {
    return static_cast<int32_t>((bucket << 16) | low);
}

// `pairs` sorted and unique.
std::string encode_name_bucket(const std::vector<NamePair>& pairs);
// Appends the blob's pairs to `out`; false when the blob is corrupt (then
// `out` may hold some of them).
bool decode_name_bucket(std::string_view blob, std::vector<NamePair>& out);
// The error for a bucket decode_name_bucket rejects.
Error corrupt_name_bucket();

// Reads the files listed under `key` in `table`'s bucket.
class NameBucketReader {
public:
    static Expected<NameBucketReader> prepare(Db& db, std::string_view table);
    // The files listed under `key`, ascending.
    Expected<std::vector<int64_t>> files(int64_t key);

private:
    Stmt get_;
    std::vector<NamePair> pairs_;
};

// Queues additions and removals to one table; flush() applies them in the
// order they were made. Use from the single writer thread.
class NameBucketWriter {
public:
    static Expected<NameBucketWriter> prepare(Db& db, std::string_view table);
    void add(int64_t key, int64_t file) { queue(key, file, true); }
    void remove(int64_t key, int64_t file) { queue(key, file, false); }
    // Rewrites every bucket with queued changes; inside a transaction.
    Expected<void> flush();
    // Drops the queued changes (after a rollback).
    void discard() { pending_.clear(); }

private:
    struct Change {
        uint16_t low;
        bool add;
        int64_t file;
    };
    void queue(int64_t key, int64_t file, bool add) {
        pending_[name_bucket(key)].push_back({name_low(key), add, file});
    }
    Stmt get_, put_, del_;
    std::unordered_map<uint32_t, std::vector<Change>> pending_;
};

}  // namespace idx::indexer
