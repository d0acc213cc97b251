#include "indexer/segment_merger.h"

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "indexer/bitmap.h"
#include "indexer/posting_builder.h"
#include "indexer/posting_codec.h"

namespace idx::indexer {
namespace {

Expected<Bitmap> read_bitmap(std::string_view blob, const std::string& where) {
    Bitmap b = decode_postings(blob);
    if (!b) return Error{ErrorKind::kCorrupt, where + ": a posting list is corrupt; rebuild with `idx index --rebuild`"};
    return b;
}

}  // namespace

Expected<bool> compact_segments(Db& db, CompactionPolicy policy) {
    struct Segment {
        int64_t id, files;
    };
    std::vector<Segment> segments;
    {
        auto st = db.prepare("SELECT id, files FROM segments ORDER BY files DESC, id");
        if (!st) return st.error();
        auto st_read = st->each([&](const Stmt& row) {
            segments.push_back({row.int64(0), row.int64(1)});
        });
        if (!st_read) return st_read.error();
    }
    int64_t written = 0;
    for (const Segment& g : segments) written += g.files;
    auto live = db.scalar("SELECT COUNT(*) FROM files WHERE segment != 0");
    if (!live) return live.error();
    const double stale = written > 0 ? 1.0 - static_cast<double>(*live) / static_cast<double>(written) : 0.0;
    const auto count = static_cast<int64_t>(segments.size());
    if (count <= 1 || (count <= policy.max_segments && stale <= policy.max_stale)) return false;

    // Tiered: when only the count is over, the recent segments are merged
    // into one and the largest (the first full index, usually) is left as
    // it is, so that the cost follows what changed lately, not the index
    // (a full merge of Linux's postings takes seconds). When too much is
    // stale, everything is merged, which drops the dead ids.
    const bool partial = stale <= policy.max_stale && segments.front().files * 2 > written;
    std::vector<int64_t> merging;
    for (size_t i = partial ? 1 : 0; i < segments.size(); ++i) merging.push_back(segments[i].id);
    std::string in_list;
    for (int64_t id : merging) in_list += (in_list.empty() ? "" : ",") + std::to_string(id);

    auto next = db.scalar("SELECT COALESCE(MAX(id), 0) + 1 FROM segments");
    if (!next) return next.error();
    const int64_t merged_id = *next;
    if (merged_id > kMaxSegmentId) {
        return Error{ErrorKind::kUnsupported, db.path() + ": segment ids exhausted; run `idx index --rebuild`"};
    }

    Bitmap live_ids(roaring_bitmap_create());
    {
        auto st = db.prepare("SELECT id FROM files WHERE segment IN (" + in_list + ")");
        if (!st) return st.error();
        auto st_read = st->each([&](const Stmt& row) {
            roaring_bitmap_add(live_ids.get(), static_cast<uint32_t>(row.int64(0)));
        });
        if (!st_read) return st_read.error();
    }
    const int64_t merged_files = static_cast<int64_t>(roaring_bitmap_get_cardinality(live_ids.get()));
    auto sel = db.prepare("SELECT key, docs FROM postings WHERE key >= ?1 AND key < ?2");
    auto ins = db.prepare("INSERT INTO postings(key, docs) VALUES (?1, ?2)");
    auto del = db.prepare("DELETE FROM postings WHERE key >= ?1 AND key < ?2");
    if (!sel) return sel.error();
    if (!ins) return ins.error();
    if (!del) return del.error();
    // Range by range of grams: each merged segment's run of that range is
    // read and OR-ed by gram, then the merged rows are appended (at the
    // table's end: the merged id is the newest) with no cursor open.
    constexpr int64_t kStep = 1 << 16;
    std::map<Trigram, Bitmap> out;
    std::string buf;
    int64_t pairs = 0;
    for (int64_t lo = 0; lo < int64_t{kGramSpace}; lo += kStep) {
        const auto lo_gram = static_cast<Trigram>(lo), hi_gram = static_cast<Trigram>(lo + kStep);
        out.clear();
        for (int64_t s : merging) {
            sel->bind(1, posting_key(lo_gram, s)).bind(2, posting_key(hi_gram, s));
            auto sel_read = sel->each([&](const Stmt& row) -> Expected<void> {
                auto b = read_bitmap(row.blob(1), db.path());
                if (!b) return b.error();
                Bitmap& acc = out[posting_gram(row.int64(0))];
                if (!acc) acc = Bitmap(roaring_bitmap_create());
                roaring_bitmap_or_inplace(acc.get(), b->get());
                return {};
            });
            if (!sel_read) return sel_read.error();
        }
        for (auto& [t, b] : out) {
            roaring_bitmap_and_inplace(b.get(), live_ids.get());
            if (roaring_bitmap_is_empty(b.get())) continue;
            pairs += static_cast<int64_t>(roaring_bitmap_get_cardinality(b.get()));
            encode_postings(b.get(), buf);
            ins->bind(1, posting_key(t, merged_id)).bind_blob(2, buf.data(), buf.size());
            if (auto r = ins->run(); !r) return r.error();
        }
    }
    // Each merged segment's rows are one run of keys.
    for (int64_t s : merging) {
        del->bind(1, posting_key(0, s)).bind(2, posting_key(0, s + 1));
        if (auto r = del->run(); !r) return r.error();
    }
    const std::string id = std::to_string(merged_id);
    if (auto r = db.exec("DELETE FROM segments WHERE id IN (" + in_list + ");" + "UPDATE files SET segment = " + id +
                         " WHERE segment IN (" + in_list + ");");
        !r) {
        return r.error();
    }
    auto seg = db.prepare("INSERT INTO segments(id, created_ns, files, pairs) VALUES (?1, 0, ?2, ?3)");
    if (!seg) return seg.error();
    seg->bind(1, merged_id).bind(2, merged_files).bind(3, pairs);
    if (auto r = seg->run(); !r) return r.error();
    return true;
}

}  // namespace idx::indexer
