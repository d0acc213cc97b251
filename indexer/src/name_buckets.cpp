#include "indexer/name_buckets.h"

#include <algorithm>

#include "varint.h"

namespace idx::indexer {

std::string encode_name_bucket(const std::vector<NamePair>& pairs) {
    std::string out;
    out.reserve(5 * pairs.size());
    uint16_t low = 0;
    int64_t file = 0;
    for (size_t i = 0; i < pairs.size(); ++i) {
        const NamePair& p = pairs[i];
        const bool same = i > 0 && p.low == low;
        put_varint(out, static_cast<uint64_t>(p.low - low));
        put_varint(out, static_cast<uint64_t>(same ? p.file - file : p.file));
        low = p.low;
        file = p.file;
    }
    return out;
}

bool decode_name_bucket(std::string_view blob, std::vector<NamePair>& out) {
    uint32_t low = 0;
    int64_t file = 0;
    bool first = true;
    while (!blob.empty()) {
        uint64_t dlow = 0, f = 0;
        if (!get_varint(blob, dlow) || !get_varint(blob, f)) return false;
        if (dlow > 0xffff - low || f > static_cast<uint64_t>(INT64_MAX)) return false;
        const bool same = !first && dlow == 0;
        if (same && f > static_cast<uint64_t>(INT64_MAX - file)) return false;
        low += static_cast<uint32_t>(dlow);
        file = same ? file + static_cast<int64_t>(f) : static_cast<int64_t>(f);
        out.push_back({static_cast<uint16_t>(low), file});
        first = false;
    }
    return true;
}

Error corrupt_name_bucket() {
    return Error{ErrorKind::kCorrupt, "a name list is corrupt; rebuild with `idx index --rebuild`"};
}

Expected<NameBucketReader> NameBucketReader::prepare(Db& db, std::string_view table) {
    NameBucketReader r;
    auto st = db.prepare("SELECT data FROM " + std::string(table) + " WHERE bucket = ?1");
    if (!st) return st.error();
    r.get_ = std::move(*st);
    return r;
}

Expected<std::vector<int64_t>> NameBucketReader::files(int64_t key) {
    get_.bind(1, static_cast<int64_t>(name_bucket(key)));
    auto row = get_.step();
    if (!row) {
        get_.reset();
        return std::move(row).error();
    }
    pairs_.clear();
    const bool ok = !*row || decode_name_bucket(get_.blob(0), pairs_);
    get_.reset();
    if (!ok) return corrupt_name_bucket();
    std::vector<int64_t> out;
    const uint16_t low = name_low(key);
    auto it = std::lower_bound(pairs_.begin(), pairs_.end(), NamePair{low, INT64_MIN});
    for (; it != pairs_.end() && it->low == low; ++it) out.push_back(it->file);
    return out;
}

Expected<NameBucketWriter> NameBucketWriter::prepare(Db& db, std::string_view table) {
    NameBucketWriter w;
    const std::string t(table);
    auto get = db.prepare("SELECT data FROM " + t + " WHERE bucket = ?1");
    auto put = db.prepare("INSERT OR REPLACE INTO " + t + "(bucket, data) VALUES (?1, ?2)");
    auto del = db.prepare("DELETE FROM " + t + " WHERE bucket = ?1");
    if (!get) return get.error();
    if (!put) return put.error();
    if (!del) return del.error();
    w.get_ = std::move(*get);
    w.put_ = std::move(*put);
    w.del_ = std::move(*del);
    return w;
}

Expected<void> NameBucketWriter::flush() {
    // Buckets in key order: neighbouring rows share B-tree pages.
    std::vector<uint32_t> buckets;
    buckets.reserve(pending_.size());
    for (const auto& [b, _] : pending_) buckets.push_back(b);
    std::sort(buckets.begin(), buckets.end());
    std::vector<NamePair> pairs;
    for (uint32_t b : buckets) {
        get_.bind(1, static_cast<int64_t>(b));
        auto row = get_.step();
        if (!row) {
            get_.reset();
            return std::move(row).error();
        }
        pairs.clear();
        // A corrupt bucket is rebuilt from the changes alone: its other
        // pairs are lost to lookups, as a corrupt tag blob's names are.
        if (*row && !decode_name_bucket(get_.blob(0), pairs)) pairs.clear();
        get_.reset();
        std::sort(pairs.begin(), pairs.end());
        pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
        for (const Change& c : pending_[b]) {
            const NamePair p{c.low, c.file};
            auto it = std::lower_bound(pairs.begin(), pairs.end(), p);
            const bool present = it != pairs.end() && *it == p;
            if (c.add && !present) pairs.insert(it, p);
            if (!c.add && present) pairs.erase(it);
        }
        if (pairs.empty()) {
            del_.bind(1, static_cast<int64_t>(b));
            if (auto r = del_.run(); !r) return r;
            continue;
        }
        const std::string blob = encode_name_bucket(pairs);
        put_.bind(1, static_cast<int64_t>(b)).bind_blob(2, blob.data(), blob.size());
        if (auto r = put_.run(); !r) return r;
    }
    pending_.clear();
    return {};
}

}  // namespace idx::indexer
