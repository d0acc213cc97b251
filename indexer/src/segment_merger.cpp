#include "indexer/segment_merger.h"

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
    auto segments = db.scalar("SELECT COUNT(*) FROM segments");
    auto written = db.scalar("SELECT COALESCE(SUM(files), 0) FROM segments");
    auto live = db.scalar("SELECT COUNT(*) FROM files WHERE segment != 0");
    if (!segments) return segments.error();
    if (!written) return written.error();
    if (!live) return live.error();
    const double stale = *written > 0 ? 1.0 - static_cast<double>(*live) / static_cast<double>(*written) : 0.0;
    if (*segments <= 1 || (*segments <= policy.max_segments && stale <= policy.max_stale)) return false;

    auto next = db.scalar("SELECT COALESCE(MAX(id), 0) + 1 FROM segments");
    if (!next) return next.error();
    const int64_t merged_id = *next;
    if (merged_id > kMaxSegmentId) {
        return Error{ErrorKind::kUnsupported, db.path() + ": segment ids exhausted; run `idx index --rebuild`"};
    }

    Bitmap live_ids(roaring_bitmap_create());
    {
        auto st = db.prepare("SELECT id FROM files WHERE segment != 0");
        if (!st) return st.error();
        while (true) {
            auto row = st->step();
            if (!row) return row.error();
            if (!*row) break;
            roaring_bitmap_add(live_ids.get(), static_cast<uint32_t>(st->int64(0)));
        }
    }
    auto sel = db.prepare("SELECT key >> 20, docs FROM postings WHERE key >= ?1 AND key < ?2 ORDER BY key");
    auto ins = db.prepare("INSERT INTO postings(key, docs) VALUES (?1, ?2)");
    if (!sel) return sel.error();
    if (!ins) return ins.error();
    // Range by range, so that the rows written never meet the open cursor.
    constexpr int64_t kStep = 1 << 16;
    std::vector<std::pair<int64_t, Bitmap>> out;
    std::string buf;
    int64_t pairs = 0;
    for (int64_t lo = 0; lo < int64_t{kGramSpace}; lo += kStep) {
        sel->bind(1, posting_key(static_cast<Trigram>(lo), 0)).bind(2, posting_key(static_cast<Trigram>(lo + kStep), 0));
        out.clear();
        while (true) {
            auto row = sel->step();
            if (!row) return row.error();
            if (!*row) break;
            auto b = read_bitmap(sel->blob(1), db.path());
            if (!b) return b.error();
            const int64_t t = sel->int64(0);
            if (out.empty() || out.back().first != t) out.emplace_back(t, Bitmap(roaring_bitmap_create()));
            roaring_bitmap_or_inplace(out.back().second.get(), b->get());
        }
        sel->reset();
        for (auto& [t, b] : out) {
            roaring_bitmap_and_inplace(b.get(), live_ids.get());
            if (roaring_bitmap_is_empty(b.get())) continue;
            pairs += static_cast<int64_t>(roaring_bitmap_get_cardinality(b.get()));
            encode_postings(b.get(), buf);
            ins->bind(1, posting_key(static_cast<Trigram>(t), merged_id)).bind_blob(2, buf.data(), buf.size());
            if (auto r = ins->run(); !r) return r.error();
        }
    }
    std::string id = std::to_string(merged_id);
    if (auto r = db.exec("DELETE FROM postings WHERE (key & " + std::to_string(kMaxSegmentId) + ") != " + id + "; DELETE FROM segments;" +
                         "UPDATE files SET segment = " + id + " WHERE segment != 0;");
        !r) {
        return r.error();
    }
    auto seg = db.prepare("INSERT INTO segments(id, created_ns, files, pairs) VALUES (?1, 0, ?2, ?3)");
    if (!seg) return seg.error();
    seg->bind(1, merged_id).bind(2, *live).bind(3, pairs);
    if (auto r = seg->run(); !r) return r.error();
    return true;
}

}  // namespace idx::indexer
