#include "indexer/symbol_dictionary_builder.h"

#include <tbb/parallel_for.h>
#include <tbb/parallel_pipeline.h>
#include <tbb/parallel_sort.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <memory>
#include <random>
#include <string>
#include <unordered_set>

#include "indexer/bitmap.h"
#include "indexer/index_schema.h"
#include "indexer/symbol_codec.h"
#include "indexer/symbol_dictionary.h"
#include "indexer/symbol_match.h"
#include "varint.h"

namespace idx::indexer {
namespace {

// A name's sort key: its folded form (fold_query), so that the names a
// query begins are one contiguous run; ties by the name itself.
struct KeyedName {
    std::string key, name;
    bool operator<(const KeyedName& o) const { return key != o.key ? key < o.key : name < o.name; }
    bool operator==(const KeyedName& o) const { return name == o.name; }  // one name, one key
};

// Calls f(name) for each definition in a tag blob, names moved out; a
// corrupt blob adds no names (status reports nothing lost).
template <class F>
void each_definition_name(std::string_view blob, F&& f) {
    auto tags = decode_tags(blob);
    if (!tags) return;
    for (Tag& t : *tags) {
        if (t.is_definition) f(std::move(t.name));
    }
}

// Every definition name of the tags table, sorted by key, each once. The
// blobs are read in batches by the pipeline's serial first filter (one
// thread at a time, in order: the connection is used by nothing else
// meanwhile) and decoded on all cores; a corrupt blob adds no names (status
// reports nothing lost).
Expected<std::vector<KeyedName>> all_definition_names(Db& db) {
    auto st = db.prepare("SELECT data FROM tags");
    if (!st) return st.error();
    struct Batch {
        std::vector<std::string> blobs;
        std::vector<KeyedName> names;
    };
    constexpr size_t kBatchBlobs = 256;
    std::vector<KeyedName> all;
    std::optional<Error> error;
    bool done = false;
    const size_t tokens = 4 * static_cast<size_t>(std::max(1, tbb::this_task_arena::max_concurrency()));
    tbb::parallel_pipeline(
        tokens,
        tbb::make_filter<void, Batch*>(tbb::filter_mode::serial_in_order,
                                       [&](tbb::flow_control& fc) -> Batch* {
                                           if (done) {
                                               fc.stop();
                                               return nullptr;
                                           }
                                           auto b = std::make_unique<Batch>();
                                           while (b->blobs.size() < kBatchBlobs) {
                                               auto row = st->step();
                                               if (!row) error = row.error();
                                               if (!row || !*row) {
                                                   done = true;
                                                   break;
                                               }
                                               b->blobs.emplace_back(st->blob(0));
                                           }
                                           return b.release();
                                       }) &
            tbb::make_filter<Batch*, Batch*>(tbb::filter_mode::parallel,
                                             [](Batch* b) {
                                                 for (const std::string& blob : b->blobs) {
                                                     each_definition_name(blob, [&](std::string&& n) {
                                                         std::string key = fold_query(n);
                                                         b->names.push_back({std::move(key), std::move(n)});
                                                     });
                                                 }
                                                 b->blobs.clear();
                                                 return b;
                                             }) &
            tbb::make_filter<Batch*, void>(tbb::filter_mode::serial_out_of_order, [&](Batch* b) {
                std::unique_ptr<Batch> owned(b);
                all.insert(all.end(), std::make_move_iterator(b->names.begin()),
                           std::make_move_iterator(b->names.end()));
            }));
    if (error) return *error;
    tbb::parallel_sort(all.begin(), all.end());
    all.erase(std::unique(all.begin(), all.end()), all.end());
    return all;
}

void put_front_coded(std::string& out, std::string_view prev, std::string_view name) {
    size_t shared = 0;
    while (shared < prev.size() && shared < name.size() && prev[shared] == name[shared]) ++shared;
    put_varint(out, shared);
    put_varint(out, name.size() - shared);
    out.append(name.substr(shared));
}

// One block's blob, in the layout symbol_dictionary.cpp reads.
std::string encode_block(const std::vector<KeyedName>& sorted, size_t begin, size_t end) {
    std::string offsets, data;
    size_t groups = 0;
    for (size_t g = begin; g < end; g += kGroupNames, ++groups) {
        const auto off = static_cast<uint32_t>(data.size());
        for (int b = 0; b < 4; ++b) offsets.push_back(static_cast<char>((off >> (8 * b)) & 0xff));
        std::string_view prev;
        for (size_t i = g; i < std::min(end, g + kGroupNames); ++i) {
            put_front_coded(data, prev, sorted[i].name);
            prev = sorted[i].name;
        }
    }
    std::string blob;
    put_varint(blob, groups);
    return blob + offsets + data;
}

// The pair index: per pair, the ids of the groups holding it. Ranges of
// groups are read on all cores, each into per-pair id lists (increasing,
// each group once: a pair repeats within a group only right after
// itself), then joined in range order.
std::vector<Bitmap> pair_index(const std::vector<KeyedName>& sorted) {
    const size_t groups = (sorted.size() + kGroupNames - 1) / kGroupNames;
    constexpr size_t kRangeGroups = 1 << 14;
    const size_t ranges = (groups + kRangeGroups - 1) / kRangeGroups;
    std::vector<std::vector<std::vector<uint32_t>>> lists(ranges);
    tbb::parallel_for(size_t{0}, ranges, [&](size_t r) {
        auto& per_pair = lists[r];
        per_pair.resize(kPairCount);
        std::vector<uint16_t> ids;
        for (size_t g = r * kRangeGroups; g < std::min(groups, (r + 1) * kRangeGroups); ++g) {
            for (size_t i = g * kGroupNames; i < std::min(sorted.size(), (g + 1) * kGroupNames); ++i) {
                ids.clear();
                name_pairs(fold_name(sorted[i].name), ids);
                for (uint16_t p : ids) {
                    auto& list = per_pair[p];
                    if (list.empty() || list.back() != g) list.push_back(static_cast<uint32_t>(g));
                }
            }
        }
    });
    std::vector<Bitmap> pairs(kPairCount);
    tbb::parallel_for(0, kPairCount, [&](int p) {
        pairs[p] = Bitmap(roaring_bitmap_create());
        for (auto& per_pair : lists) {
            const auto& list = per_pair[static_cast<size_t>(p)];
            roaring_bitmap_add_many(pairs[p].get(), list.size(), list.data());
        }
        roaring_bitmap_run_optimize(pairs[p].get());
    });
    return pairs;
}

Expected<void> write_blocks(Db& db, const std::vector<KeyedName>& sorted) {
    auto put_block = db.prepare("INSERT INTO sym_blocks(id, first, names) VALUES (?1, ?2, ?3)");
    auto put_pair = db.prepare("INSERT INTO sym_pairs(pair, groups) VALUES (?1, ?2)");
    if (!put_block) return put_block.error();
    if (!put_pair) return put_pair.error();
    const std::vector<Bitmap> pairs = pair_index(sorted);
    for (size_t b = 0; b * kBlockNames < sorted.size(); ++b) {
        const size_t begin = b * kBlockNames, end = std::min(sorted.size(), begin + kBlockNames);
        const std::string blob = encode_block(sorted, begin, end);
        put_block->bind(1, static_cast<int64_t>(b)).bind(2, sorted[begin].key).bind_blob(3, blob.data(), blob.size());
        if (auto r = put_block->run(); !r) return r;
    }
    std::string buf;
    for (int p = 0; p < kPairCount; ++p) {
        const roaring_bitmap_t* b = pairs[static_cast<size_t>(p)].get();
        if (roaring_bitmap_is_empty(b)) continue;
        buf.resize(roaring_bitmap_portable_size_in_bytes(b));
        roaring_bitmap_portable_serialize(b, buf.data());
        put_pair->bind(1, static_cast<int64_t>(p)).bind_blob(2, buf.data(), buf.size());
        if (auto r = put_pair->run(); !r) return r;
    }
    return {};
}

// Copies of the blocks held in memory (DecodedDictionary) stop standing in
// for them: a random generation, never 0, so that it cannot repeat after
// `--rebuild` drops the meta table (a counter would start over).
Expected<void> new_generation(Db& db) {
    std::random_device rd;
    int64_t gen = 0;
    while (gen == 0) gen = static_cast<int64_t>(((uint64_t{rd()} << 32) | rd()) & INT64_MAX);
    return write_meta(db, "dictionary_generation", std::to_string(gen));
}

}  // namespace

Expected<void> rebuild_symbol_dictionary(Db& db) {
    auto sorted = all_definition_names(db);
    if (!sorted) return sorted.error();
    if (auto r = db.exec("DELETE FROM sym_blocks; DELETE FROM sym_pairs; DELETE FROM sym_delta;"); !r) return r;
    if (auto r = write_blocks(db, *sorted); !r) return r;
    return new_generation(db);
}

Expected<void> add_to_symbol_delta(Db& db, const std::vector<int64_t>& files) {
    auto put = db.prepare("INSERT OR IGNORE INTO sym_delta(name) VALUES (?1)");
    if (!put) return put.error();
    RowBlob tags(db, "tags", "data");  // rowid = file
    std::string blob;
    std::unordered_set<std::string> names;
    for (int64_t id : files) {
        auto found = tags.read(id, blob);
        if (!found) return found.error();
        if (*found) each_definition_name(blob, [&](std::string&& n) { names.insert(std::move(n)); });
    }
    for (const std::string& n : names) {
        put->bind(1, n);
        if (auto r = put->run(); !r) return r;
    }
    // An index an older idx wrote has no generation, so lookup servers read
    // its dictionary from SQLite; from here on this idx keeps it.
    auto gen = DecodedDictionary::current_generation(db);
    if (!gen) return gen.error();
    return *gen == 0 ? new_generation(db) : Expected<void>{};
}

}  // namespace idx::indexer
