#include "indexer/symbol_dictionary.h"

#include <algorithm>
#include <unordered_set>

#include "indexer/bitmap.h"
#include "indexer/symbol_codec.h"
#include "indexer/symbol_match.h"
#include "varint.h"

namespace idx::indexer {
namespace {

Error corrupt_dictionary() {
    return Error{ErrorKind::kCorrupt, "the symbol dictionary is corrupt; rebuild with `idx index --rebuild`"};
}

Expected<void> collect_definition_names(Db& db, const std::vector<int64_t>* files,
                                        std::unordered_set<std::string>& names) {
    auto st = db.prepare(files ? "SELECT data FROM tags WHERE file = ?1" : "SELECT data FROM tags");
    if (!st) return st.error();
    auto take = [&]() -> Expected<void> {
        while (true) {
            auto row = st->step();
            if (!row) return row.error();
            if (!*row) break;
            auto tags = decode_tags(st->blob(0));
            if (!tags) continue;  // a corrupt blob adds no names; status reports nothing lost
            for (Tag& t : *tags) {
                if (t.is_definition) names.insert(std::move(t.name));
            }
        }
        st->reset();
        return {};
    };
    if (!files) return take();
    for (int64_t id : *files) {
        st->bind(1, id);
        if (auto r = take(); !r) return r;
    }
    return {};
}

// Chunks are front coded: sorted names share long prefixes, and decoding is
// a copy (zstd spent more time building its tables than decoding a chunk).
// Per name: varint bytes shared with the previous name, varint suffix
// length, suffix.
void put_front_coded(std::string& out, std::string_view prev, std::string_view name) {
    size_t shared = 0;
    while (shared < prev.size() && shared < name.size() && prev[shared] == name[shared]) ++shared;
    put_varint(out, shared);
    put_varint(out, name.size() - shared);
    out.append(name.substr(shared));
}

// Decodes the next name into `name` (holding the previous one).
bool next_front_coded(std::string_view& in, std::string& name) {
    uint64_t shared = 0, len = 0;
    if (!get_varint(in, shared) || !get_varint(in, len) || shared > name.size() || len > in.size()) return false;
    name.resize(shared);
    name.append(in.substr(0, len));
    in.remove_prefix(len);
    return true;
}

Expected<void> write_chunks(Db& db, const std::vector<std::string>& sorted) {
    auto put_chunk = db.prepare("INSERT INTO sym_chunks(id, names) VALUES (?1, ?2)");
    auto put_pair = db.prepare("INSERT INTO sym_pairs(pair, chunks) VALUES (?1, ?2)");
    if (!put_chunk) return put_chunk.error();
    if (!put_pair) return put_pair.error();
    std::vector<Bitmap> pairs;
    for (int p = 0; p < kPairCount; ++p) pairs.emplace_back(roaring_bitmap_create());
    std::vector<uint16_t> ids;
    for (size_t c = 0; c * kChunkNames < sorted.size(); ++c) {
        std::string blob;
        ids.clear();
        std::string_view prev;
        for (size_t i = c * kChunkNames; i < std::min(sorted.size(), (c + 1) * kChunkNames); ++i) {
            put_front_coded(blob, prev, sorted[i]);
            prev = sorted[i];
            name_pairs(fold_name(sorted[i]), ids);
        }
        std::sort(ids.begin(), ids.end());
        ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
        for (uint16_t p : ids) roaring_bitmap_add(pairs[p].get(), static_cast<uint32_t>(c));
        put_chunk->bind(1, static_cast<int64_t>(c)).bind_blob(2, blob.data(), blob.size());
        if (auto r = put_chunk->run(); !r) return r;
    }
    std::string buf;
    for (int p = 0; p < kPairCount; ++p) {
        roaring_bitmap_t* b = pairs[p].get();
        if (roaring_bitmap_is_empty(b)) continue;
        roaring_bitmap_run_optimize(b);
        buf.resize(roaring_bitmap_portable_size_in_bytes(b));
        roaring_bitmap_portable_serialize(b, buf.data());
        put_pair->bind(1, static_cast<int64_t>(p)).bind_blob(2, buf.data(), buf.size());
        if (auto r = put_pair->run(); !r) return r;
    }
    return {};
}

void keep_best(std::vector<ScoredName>& out, size_t limit) {
    std::sort(out.begin(), out.end(), [](const ScoredName& a, const ScoredName& b) {
        return a.score != b.score ? a.score > b.score : a.name < b.name;
    });
    out.erase(std::unique(out.begin(), out.end(),
                          [](const ScoredName& a, const ScoredName& b) { return a.name == b.name; }),
              out.end());
    if (out.size() > limit) out.resize(limit);
}

}  // namespace

Expected<void> rebuild_symbol_dictionary(Db& db) {
    std::unordered_set<std::string> names;
    if (auto r = collect_definition_names(db, nullptr, names); !r) return r;
    std::vector<std::string> sorted(std::make_move_iterator(names.begin()), std::make_move_iterator(names.end()));
    names.clear();
    std::sort(sorted.begin(), sorted.end());
    if (auto r = db.exec("DELETE FROM sym_chunks; DELETE FROM sym_pairs; DELETE FROM sym_delta;"); !r) return r;
    return write_chunks(db, sorted);
}

Expected<void> add_to_symbol_delta(Db& db, const std::vector<int64_t>& files) {
    std::unordered_set<std::string> names;
    if (auto r = collect_definition_names(db, &files, names); !r) return r;
    auto put = db.prepare("INSERT OR IGNORE INTO sym_delta(name) VALUES (?1)");
    if (!put) return put.error();
    for (const std::string& n : names) {
        put->bind(1, n);
        if (auto r = put->run(); !r) return r;
    }
    return {};
}

Expected<std::vector<ScoredName>> match_symbol_names(Db& db, std::string_view q, size_t limit,
                                                     SymbolMatchStats* stats) {
    SymbolMatchStats local;
    SymbolMatchStats& st = stats ? *stats : local;
    std::vector<ScoredName> out;
    auto consider = [&](std::string_view name) {
        ++st.names_scored;
        if (auto s = fuzzy_score(q, name)) out.push_back({std::string(name), *s});
        if (out.size() > 4 * limit + 1024) keep_best(out, limit);
    };
    // Candidate chunks: those holding every pair of the query.
    auto get_pair = db.prepare("SELECT chunks FROM sym_pairs WHERE pair = ?1");
    if (!get_pair) return get_pair.error();
    Bitmap candidates;
    const std::vector<uint16_t> pairs = query_pairs(q);
    for (uint16_t p : pairs) {
        get_pair->bind(1, static_cast<int64_t>(p));
        auto row = get_pair->step();
        if (!row) return row.error();
        Bitmap b(*row ? roaring_bitmap_portable_deserialize_safe(get_pair->blob(0).data(), get_pair->blob(0).size())
                      : roaring_bitmap_create());
        get_pair->reset();
        if (!b) return corrupt_dictionary();
        if (!candidates) candidates = std::move(b);
        else roaring_bitmap_and_inplace(candidates.get(), b.get());
        if (roaring_bitmap_is_empty(candidates.get())) break;
    }
    auto get_chunk = db.prepare(candidates ? "SELECT names FROM sym_chunks WHERE id = ?1"
                                           : "SELECT names FROM sym_chunks ORDER BY id");
    if (!get_chunk) return get_chunk.error();
    std::string name;
    auto scan_chunk = [&]() -> Expected<void> {
        std::string_view rest = get_chunk->blob(0);
        while (!rest.empty()) {
            if (!next_front_coded(rest, name)) return corrupt_dictionary();
            consider(name);
        }
        return {};
    };
    if (candidates) {
        auto total = db.scalar("SELECT COALESCE(MAX(id) + 1, 0) FROM sym_chunks");  // ids are dense from 0
        if (!total) return std::move(total).error();
        st.chunks = static_cast<uint64_t>(*total);
        std::vector<uint32_t> ids(roaring_bitmap_get_cardinality(candidates.get()));
        st.candidate_chunks = ids.size();
        roaring_bitmap_to_uint32_array(candidates.get(), ids.data());
        for (uint32_t id : ids) {
            get_chunk->bind(1, static_cast<int64_t>(id));
            auto row = get_chunk->step();
            Expected<void> r = row ? (*row ? scan_chunk() : Expected<void>{}) : Expected<void>(row.error());
            get_chunk->reset();
            if (!r) return r.error();
        }
    } else {
        while (true) {
            auto row = get_chunk->step();
            if (!row) return row.error();
            if (!*row) break;
            if (auto r = scan_chunk(); !r) return r.error();
        }
    }
    auto delta = db.prepare("SELECT name FROM sym_delta");
    if (!delta) return delta.error();
    while (true) {
        auto row = delta->step();
        if (!row) return row.error();
        if (!*row) break;
        consider(delta->text(0));
        ++st.delta_names;
    }
    keep_best(out, limit);
    return out;
}

}  // namespace idx::indexer
