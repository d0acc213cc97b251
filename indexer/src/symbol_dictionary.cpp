#include "indexer/symbol_dictionary.h"

#include <algorithm>
#include <cstring>
#include <functional>
#include <future>
#include <limits>
#include <queue>
#include <span>
#include <system_error>
#include <utility>

#include "indexer/bitmap.h"
#include "indexer/index_schema.h"
#include "indexer/symbol_codec.h"
#include "indexer/symbol_match.h"
#include "varint.h"

namespace idx::indexer {
namespace {

Error corrupt_dictionary() {
    return Error{ErrorKind::kCorrupt, "the symbol dictionary is corrupt; rebuild with `idx index --rebuild`"};
}

// Group layout inside a block blob: varint group count, then one 4-byte
// little-endian offset per group (from the end of the offsets), then the
// groups. A group is up to kGroupNames names, front coded from its first:
// per name, varint bytes shared with the previous name, varint suffix
// length, suffix. Decoding a group is a copy (zstd spent more time building
// its tables than decoding such small pieces). symbol_dictionary_builder.cpp
// writes it.

// Decodes the next name into `name` (holding the previous one); `shared`:
// how many of its first bytes are the previous name's.
bool next_front_coded(std::string_view& in, std::string& name, uint64_t& shared) {
    uint64_t len = 0;
    if (!get_varint(in, shared) || !get_varint(in, len) || shared > name.size() || len > in.size()) return false;
    name.resize(shared + len);  // keeps the shared bytes
    std::memcpy(name.data() + shared, in.data(), len);
    in.remove_prefix(len);
    return true;
}

// One block's groups, decoded on demand from the blob (valid while the
// bytes it was opened on are).
class BlockReader {
public:
    bool open(std::string_view blob) {
        uint64_t n = 0;
        if (!get_varint(blob, n) || n > kBlockNames / kGroupNames || blob.size() < 4 * n) return false;
        groups_ = n;
        offsets_ = blob.substr(0, 4 * n);
        data_ = blob.substr(4 * n);
        return true;
    }
    size_t groups() const { return groups_; }
    // Calls f(name, shared) for each name of group g, `shared` bytes of it
    // being the previous name's (0 for the first); false if the blob is
    // corrupt.
    template <class F>
    bool each_name(size_t g, std::string& name, F&& f) const {
        const size_t begin = offset(g), end = g + 1 < groups_ ? offset(g + 1) : data_.size();
        if (begin > end || end > data_.size()) return false;
        std::string_view in = data_.substr(begin, end - begin);
        name.clear();
        uint64_t shared = 0;
        while (!in.empty()) {
            if (!next_front_coded(in, name, shared)) return false;
            f(std::string_view(name), static_cast<size_t>(shared));
        }
        return true;
    }

private:
    size_t offset(size_t g) const {
        uint32_t v = 0;
        for (int b = 0; b < 4; ++b) v |= static_cast<uint32_t>(static_cast<unsigned char>(offsets_[4 * g + b])) << (8 * b);
        return v;
    }
    size_t groups_ = 0;
    std::string_view offsets_, data_;
};

void keep_best(std::vector<ScoredName>& out, size_t limit) {
    std::sort(out.begin(), out.end(), [](const ScoredName& a, const ScoredName& b) {
        if (a.prefix != b.prefix) return a.prefix;
        return a.score != b.score ? a.score > b.score : a.name < b.name;
    });
    out.erase(std::unique(out.begin(), out.end(),
                          [](const ScoredName& a, const ScoredName& b) { return a.name == b.name; }),
              out.end());
    if (out.size() > limit) out.resize(limit);
}

// Scores names into `out`, keeping it bounded; `prefix` says which tier.
class NameScorer {
public:
    NameScorer(std::string_view q, size_t limit, SymbolMatchStats& st, std::vector<ScoredName>& out)
        : q_(q), limit_(limit), st_(st), out_(out) {}
    // A scorer for another share of the same names, starting from `seed`'s
    // floor (the names `seed` scored count towards it), into its own `out`
    // and `st`. Merging the shares with keep_best() gives what one scorer
    // would have: each share's floor never exceeds the limit-th score of
    // all names, so no share drops a name that the answer holds.
    NameScorer(const NameScorer& seed, SymbolMatchStats& st, std::vector<ScoredName>& out)
        : q_(seed.q_), limit_(seed.limit_), st_(st), out_(out), best_(seed.best_), floor_(seed.floor_) {}
    // Whether the query begins the name's folded form.
    bool begins(std::string_view name) const { return compare_folded_prefix(name, q_) == 0; }
    // `distinct`: the name is the dictionary's, so no other scored name
    // repeats it (the delta's may repeat the dictionary's).
    void score(std::string_view name, bool prefix, bool distinct = true) {
        ++st_.names_scored;
        keep(name, matcher_.score(name, prefix ? std::numeric_limits<int>::min() : floor_), prefix, distinct);
    }
    // A name the caller turned away: it lacks one of the query's characters.
    void count_rejected() { ++st_.names_scored; }
    // Takes in another share's scored names and counts (see the seeded
    // constructor).
    void absorb(const SymbolMatchStats& st, std::vector<ScoredName>&& out) {
        st_.names_scored += st.names_scored;
        for (auto& n : out) out_.push_back(std::move(n));
        if (out_.size() > 4 * limit_ + 1024) keep_best(out_, limit_);
    }
    // Tier 2: scores a name unless the query begins it (those were tier
    // 1's), fed in the dictionary's order with its front coding's `shared`
    // (0 when names are fed otherwise). Most names fail the subsequence
    // scan, which reads only their new bytes.
    void score_unless_begins(std::string_view name, size_t shared, bool distinct = true) {
        ++st_.names_scored;
        if (!scan_.may_match(name, shared)) return;
        bool begins = false;
        auto s = matcher_.score(name, floor_, &begins);
        if (!begins) keep(name, s, false, distinct);
    }
    // Tier 2 from the decoded dictionary: `marked` is `name` folded
    // (DecodedDictionary::marked()), so no subsequence scan goes first.
    void score_marked_unless_begins(std::string_view marked, std::string_view name) {
        ++st_.names_scored;
        bool begins = false;
        auto s = matcher_.score_marked(marked, name, floor_, &begins);
        if (!begins) keep(name, s, false, true);
    }

private:
    // Records a scored name; `s` empty when it did not match (or not enough).
    void keep(std::string_view name, std::optional<int> s, bool prefix, bool distinct) {
        if (!s) return;
        out_.push_back({std::string(name), *s, prefix});
        if (out_.size() > 4 * limit_ + 1024) keep_best(out_, limit_);
        if (distinct) raise_floor(prefix, *s);
    }
    // Once `limit` distinct names have scored, a name the query does not
    // begin enters the answer only if it scores at least the limit-th of
    // them (ties go by name), and never past `limit` names it begins: that
    // score is `floor_`, below which the matcher may skip a name unscored.
    void raise_floor(bool prefix, int score) {
        if (limit_ == 0) return;
        best_.emplace(prefix, score);
        if (best_.size() > limit_) best_.pop();
        if (best_.size() == limit_) {
            const auto& [top_prefix, top_score] = best_.top();
            floor_ = top_prefix ? std::numeric_limits<int>::max() : top_score;
        }
    }

    std::string_view q_;
    size_t limit_;
    SymbolMatchStats& st_;
    std::vector<ScoredName>& out_;
    SubsequenceScan scan_{q_};
    FuzzyMatcher matcher_{q_};
    // The best `limit_` (prefix, score) keys of distinct names, the worst on top.
    std::priority_queue<std::pair<bool, int>, std::vector<std::pair<bool, int>>, std::greater<>> best_;
    int floor_ = std::numeric_limits<int>::min();
};

// Tier 1: the names the query begins (after folding), one contiguous run
// of the sorted dictionary found by the blocks' first keys.
Expected<void> score_prefixed(Db& db, std::string_view q, NameScorer& scorer) {
    // The run starts in the last block whose first key sorts before q.
    auto find = db.prepare("SELECT id FROM sym_blocks WHERE first < ?1 ORDER BY first DESC LIMIT 1");
    if (!find) return find.error();
    find->bind(1, q);
    auto found = find->step();
    if (!found) return found.error();
    const int64_t start = *found ? find->int64(0) : 0;
    auto blocks = db.prepare("SELECT names FROM sym_blocks WHERE id >= ?1 ORDER BY id");
    if (!blocks) return blocks.error();
    blocks->bind(1, start);
    std::string name;
    bool past = false;
    while (!past) {
        auto row = blocks->step();
        if (!row) return row.error();
        if (!*row) break;
        BlockReader block;
        if (!block.open(blocks->blob(0))) return corrupt_dictionary();
        for (size_t g = 0; g < block.groups() && !past; ++g) {
            const bool ok = block.each_name(g, name, [&](std::string_view n, size_t) {
                const int order = compare_folded_prefix(n, q);
                if (order == 0) scorer.score(n, true);
                else if (order > 0) past = true;
            });
            if (!ok) return corrupt_dictionary();
        }
    }
    return {};
}

// Scores every name of `groups` (ids ascending) but those the query
// begins, reading their blocks from SQLite.
Expected<void> scan_groups(Db& db, std::span<const uint32_t> groups, NameScorer& scorer) {
    constexpr uint64_t kGroupsPerBlock = kBlockNames / kGroupNames;
    RowBlob get_block(db, "sym_blocks", "names");  // rowid = id
    std::string name, bytes;
    for (size_t i = 0; i < groups.size();) {
        const uint32_t block_id = static_cast<uint32_t>(groups[i] / kGroupsPerBlock);
        auto present = get_block.read(static_cast<int64_t>(block_id), bytes);
        if (!present) return present.error();
        BlockReader block;
        if (*present && !block.open(bytes)) return corrupt_dictionary();
        // Every candidate group of this block, while its bytes are valid.
        for (; i < groups.size() && groups[i] / kGroupsPerBlock == block_id; ++i) {
            const size_t g = groups[i] % kGroupsPerBlock;
            if (!*present || g >= block.groups()) continue;
            const bool ok = block.each_name(g, name, [&](std::string_view n, size_t shared) {
                scorer.score_unless_begins(n, shared);
            });
            if (!ok) return corrupt_dictionary();
        }
    }
    return {};
}

// Tier 2: every other name in the groups holding all the query's pairs
// (every group when the query has none).
Expected<void> score_fuzzy(Db& db, std::string_view q, NameScorer& scorer, SymbolMatchStats& st,
                           const DecodedDictionary* decoded, size_t split_groups) {
    st.fuzzy_tier = true;
    // Smallest lists first, and stop once few groups are left: a dense
    // pair's list is ~70 KB to fault in, scoring a few groups' names is
    // cheaper, and skipping a pair only admits more names, never fewer.
    constexpr uint64_t kFewGroups = 64;
    auto get_size = db.prepare("SELECT length(groups) FROM sym_pairs WHERE pair = ?1");
    auto get_pair = db.prepare("SELECT groups FROM sym_pairs WHERE pair = ?1");
    if (!get_size) return get_size.error();
    if (!get_pair) return get_pair.error();
    std::vector<std::pair<int64_t, uint16_t>> order;
    for (uint16_t p : query_pairs(q)) {
        get_size->bind(1, static_cast<int64_t>(p));
        auto row = get_size->step();
        if (!row) return row.error();
        order.emplace_back(*row ? get_size->int64(0) : 0, p);
        get_size->reset();
    }
    std::sort(order.begin(), order.end());
    Bitmap candidates;
    for (const auto& [bytes, p] : order) {
        if (candidates && roaring_bitmap_get_cardinality(candidates.get()) <= kFewGroups) break;
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
    auto blocks = db.scalar("SELECT COALESCE(MAX(id) + 1, 0) FROM sym_blocks");  // ids are dense from 0
    if (!blocks) return blocks.error();
    constexpr uint64_t kGroupsPerBlock = kBlockNames / kGroupNames;
    st.groups = static_cast<uint64_t>(*blocks) * kGroupsPerBlock;
    if (!candidates) {
        candidates = Bitmap(roaring_bitmap_create());
        roaring_bitmap_add_range(candidates.get(), 0, st.groups);
    }
    st.candidate_groups = roaring_bitmap_get_cardinality(candidates.get());
    if (decoded) {
        auto now = DecodedDictionary::current_generation(db);
        if (!now) return now.error();
        // Rebuilt since they were read, or never given a generation (by an
        // idx older than the generations, which may rebuild it unseen).
        if (*now != decoded->generation() || *now == 0) decoded = nullptr;
    }
    std::vector<uint32_t> groups(st.candidate_groups);
    roaring_bitmap_to_uint32_array(candidates.get(), groups.data());
    if (!decoded) return scan_groups(db, groups, scorer);
    // Names in memory need no SQLite, so two threads share the groups when
    // there are many (a query of common letters scores ~30,000 names).
    auto in_memory = [decoded, want = query_chars(q)](std::span<const uint32_t> share, NameScorer& sc) {
        for (uint32_t g : share) {
            if (g >= decoded->groups()) continue;
            for (uint32_t i = decoded->first_name(g); i < decoded->first_name(g + 1); ++i) {
                if ((decoded->chars(i) & want) != want) {
                    sc.count_rejected();
                    continue;
                }
                sc.score_marked_unless_begins(decoded->marked(i), decoded->name(i));
            }
        }
    };
    if (groups.size() < std::max<size_t>(split_groups, 2)) {
        in_memory(groups, scorer);
        return {};
    }
    const size_t half = groups.size() / 2;
    SymbolMatchStats other_st;
    std::vector<ScoredName> other_out;
    NameScorer other(scorer, other_st, other_out);
    const auto second_half = std::span<const uint32_t>(groups).subspan(half);
    std::future<void> second;
    try {
        second = std::async(std::launch::async, [&] { in_memory(second_half, other); });
    } catch (const std::system_error&) {
        in_memory(second_half, other);  // no thread to be had: this one scores both
    }
    in_memory(std::span<const uint32_t>(groups).first(half), scorer);
    if (second.valid()) second.get();
    scorer.absorb(other_st, std::move(other_out));
    return {};
}

}  // namespace

// The chars() bit of a folded character ([a-z0-9]; 0 for anything else).
static uint64_t char_bit(unsigned char c) {
    if (c >= 'a' && c <= 'z') return uint64_t{1} << (c - 'a');
    if (c >= '0' && c <= '9') return uint64_t{1} << (26 + c - '0');
    return 0;
}

uint64_t query_chars(std::string_view q) {
    uint64_t m = 0;
    for (char c : q) m |= char_bit(static_cast<unsigned char>(c));
    return m;
}

Expected<std::shared_ptr<const DecodedDictionary>> DecodedDictionary::load(Db& db) {
    ReadTransaction tx(db);
    auto d = std::make_shared<DecodedDictionary>();
    auto gen = current_generation(db);
    if (!gen) return gen.error();
    d->generation_ = *gen;
    constexpr size_t kGroupsPerBlock = kBlockNames / kGroupNames;
    // Sized up front, so that the vectors are not copied as they grow.
    auto blocks = db.scalar("SELECT COALESCE(MAX(id) + 1, 0) FROM sym_blocks");
    if (!blocks) return blocks.error();
    const auto most_names = static_cast<size_t>(*blocks) * kBlockNames;
    d->ends_.reserve(most_names);
    d->marked_ends_.reserve(most_names);
    d->chars_.reserve(most_names);
    d->group_first_.reserve(static_cast<size_t>(*blocks) * kGroupsPerBlock + 1);
    auto rows = db.prepare("SELECT id, names FROM sym_blocks ORDER BY id");
    if (!rows) return rows.error();
    int64_t next_id = 0;
    bool ok = true;
    std::string name;
    auto read = rows->each([&](const Stmt& row) {
        // Ids run 0, 1, 2, ...: group g is in block g / kGroupsPerBlock.
        BlockReader block;
        ok = ok && row.int64(0) == next_id++ && block.open(row.blob(1));
        for (size_t g = 0; ok && g < kGroupsPerBlock; ++g) {
            if (g < block.groups()) {
                ok = block.each_name(g, name, [&](std::string_view n, size_t) {
                    d->text_.append(n);
                    d->ends_.push_back(static_cast<uint32_t>(d->text_.size()));
                    const size_t folded_from = d->marked_.size();
                    append_marked_fold(n, d->marked_);
                    d->marked_ends_.push_back(static_cast<uint32_t>(d->marked_.size()));
                    uint64_t m = 0;
                    for (size_t k = folded_from; k < d->marked_.size(); ++k) {
                        m |= char_bit(static_cast<unsigned char>(d->marked_[k]) & 0x7f);
                    }
                    d->chars_.push_back(m);
                });
                ok = ok && d->text_.size() <= UINT32_MAX;
            }
            d->group_first_.push_back(static_cast<uint32_t>(d->ends_.size()));
        }
    });
    if (!read) return read.error();
    if (!ok) return corrupt_dictionary();
    d->marked_.append(kMarkedPadding, '\0');
    if (d->marked_.size() > UINT32_MAX) return corrupt_dictionary();
    d->text_.shrink_to_fit();  // the vectors were reserved within a block's names of their size
    d->marked_.shrink_to_fit();
    return std::shared_ptr<const DecodedDictionary>(std::move(d));
}

Expected<int64_t> DecodedDictionary::current_generation(Db& db) { return read_meta_int(db, "dictionary_generation"); }

Expected<std::vector<ScoredName>> match_symbol_names(Db& db, std::string_view q, size_t limit,
                                                     SymbolMatchStats* stats, size_t enough_prefixed,
                                                     const DecodedDictionary* decoded, size_t split_groups) {
    SymbolMatchStats local;
    SymbolMatchStats& st = stats ? *stats : local;
    std::vector<ScoredName> out;
    if (limit == 0) return out;
    NameScorer scorer(q, limit, st, out);
    std::vector<std::string> delta;
    {
        auto st_delta = db.prepare("SELECT name FROM sym_delta");
        if (!st_delta) return st_delta.error();
        auto st_delta_read = st_delta->each([&](const Stmt& row) {
            delta.emplace_back(row.text(0));
        });
        if (!st_delta_read) return st_delta_read.error();
        st.delta_names = delta.size();
    }
    if (auto r = score_prefixed(db, q, scorer); !r) return r.error();
    for (const auto& n : delta) {
        if (scorer.begins(n)) scorer.score(n, true, false);
    }
    keep_best(out, limit);
    // The names the query begins rank first; only when they are too few to
    // fill the answer do the other fuzzy matches count.
    if (out.size() >= (enough_prefixed == 0 ? limit : enough_prefixed)) return out;
    if (auto r = score_fuzzy(db, q, scorer, st, decoded, split_groups); !r) return r.error();
    for (const auto& n : delta) scorer.score_unless_begins(n, 0, false);
    keep_best(out, limit);
    return out;
}

}  // namespace idx::indexer
