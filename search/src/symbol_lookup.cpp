#include "search/symbol_lookup.h"

#include <sys/stat.h>

#include <atomic>
#include <cerrno>
#include <thread>
#include <map>
#include <set>
#include <tuple>
#include <unordered_set>

#include <algorithm>
#include <functional>
#include <queue>
#include <cmath>
#include <limits>

#include "common/file_io.h"
#include "common/newline_count.h"
#include "common/substring_search.h"
#include "indexer/file_types.h"
#include "indexer/path_order.h"
#include "indexer/symbol_dictionary.h"
#include "indexer/symbol_match.h"
#include "indexer/symbol_pass.h"
#include "indexer/tagger.h"
#include "search/trigram_eval.h"

namespace idx::search {
namespace {

bool ident_char(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c >= 0x80;
}

// The most that kind and file rank add to a fuzzy match's score.
constexpr int kMaxKindWeight = 8;
constexpr int kMaxRankBonus = 10;

bool by_path_line(const SymbolMatch& a, const SymbolMatch& b) {
    if (a.hit.path != b.hit.path) return indexer::path_less(a.hit.path, b.hit.path);
    if (a.hit.tag.line != b.hit.tag.line) return a.hit.tag.line < b.hit.tag.line;
    return a.hit.tag.col < b.hit.tag.col;
}

// Whether the file on disk still matches its index row.
bool unchanged(const std::string& full, const indexer::IndexedFile& f) {
    struct stat st {};
    if (::stat(full.c_str(), &st) != 0) return false;
    const int64_t mtime = static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
    return st.st_size == f.size && mtime == f.mtime_ns && static_cast<int64_t>(st.st_ino) == f.inode;
}

// The line of `text` holding byte `pos`, trimmed like a tag's signature.
std::string line_at(std::string_view text, size_t pos, size_t* line_start) {
    size_t s = text.rfind('\n', pos == 0 ? 0 : pos - 1);
    s = (s == std::string_view::npos || pos == 0) ? 0 : s + 1;
    if (pos > 0 && text[pos - 1] == '\n') s = pos;
    size_t e = text.find('\n', pos);
    if (e == std::string_view::npos) e = text.size();
    *line_start = s;
    std::string_view l = text.substr(s, e - s);
    while (!l.empty() && (l.front() == ' ' || l.front() == '\t')) l.remove_prefix(1);
    while (!l.empty() && (l.back() == ' ' || l.back() == '\t' || l.back() == '\r')) l.remove_suffix(1);
    if (l.size() > 180) l = l.substr(0, 180);
    return std::string(l);
}

}  // namespace

int kind_weight(std::string_view kind) {
    static constexpr std::pair<std::string_view, int> kWeights[] = {
        {"class", 8}, {"interface", 8}, {"struct", 8}, {"module", 7}, {"type", 7},  {"function", 7},
        {"method", 7}, {"macro", 4},    {"constant", 3}, {"prototype", 2}, {"field", 1}, {"variable", 1},
    };
    static_assert(std::all_of(std::begin(kWeights), std::end(kWeights),
                              [](const auto& kw) { return kw.second <= kMaxKindWeight; }));
    for (const auto& [k, w] : kWeights) {
        if (k == kind) return w;
    }
    return 2;
}

bool SymbolFilter::admits(const indexer::SymbolHit& hit) const {
    if (!kind.empty() && hit.tag.kind != kind) return false;
    if (!lang.empty() && hit.lang != lang) return false;
    if (path_globs.empty()) return true;
    return std::any_of(path_globs.begin(), path_globs.end(), [&](const indexer::Glob& g) { return g.match(hit.path); });
}

Expected<std::vector<SymbolMatch>> SymbolLookup::definitions(std::string_view name, const SymbolFilter& filter) {
    indexer::ReadTransaction tx(reader_.db());
    return definitions_in_transaction(name, filter);
}

Expected<std::vector<SymbolMatch>> SymbolLookup::definitions_in_transaction(std::string_view name,
                                                                            const SymbolFilter& filter) {
    auto hits = reader_.find_tags(name, true);
    if (!hits) return std::move(hits).error();
    std::vector<SymbolMatch> out;
    for (auto& h : *hits) {
        if (filter.admits(h)) out.push_back({std::move(h), 0, 0});
    }
    return out;
}

Expected<std::vector<SymbolMatch>> SymbolLookup::references(std::string_view name, const SymbolFilter& filter,
                                                            ReferenceStats* stats) {
    std::vector<SymbolMatch> out;
    if (name.empty()) return out;
    indexer::ReadTransaction tx(reader_.db());
    // Candidate files: those holding the name's trigrams and, when the name
    // is one word (a use is a whole identifier), the word's gram.
    TrigramQuery query = literal_query(name);
    const bool one_word = std::all_of(name.begin(), name.end(),
                                      [](char c) { return indexer::word_byte(static_cast<unsigned char>(c)); });
    if (one_word && indexer::indexed_word(name)) {
        // The word's bucket, or a file refs does not read (no word grams),
        // which it counts.
        TrigramQuery either;
        either.op = TrigramQuery::Op::kOr;
        either.trigrams = {indexer::word_gram(name), indexer::kNoWordGrams};
        query.op = TrigramQuery::Op::kAnd;
        query.subs.push_back(std::move(either));
    }
    auto docs = evaluate(reader_, query);
    if (!docs) return std::move(docs).error();
    std::vector<uint32_t> ids;
    if (*docs) {
        ids.resize(roaring_bitmap_get_cardinality((*docs)->get()));
        roaring_bitmap_to_uint32_array((*docs)->get(), ids.data());
    } else {
        auto all = reader_.files();
        if (!all) return std::move(all).error();
        for (const auto& f : *all) ids.push_back(static_cast<uint32_t>(f.id));
    }
    // The files a grammar parses (not docs or data) that pass the filter.
    std::vector<indexer::SymbolHit> files;
    indexer::Bitmap not_read(roaring_bitmap_create());
    size_t largest = 0;  // bytes, as indexed
    for (uint32_t id : ids) {
        auto f = reader_.file(static_cast<int64_t>(id));
        if (!f) return std::move(f).error();
        if (!*f || indexer::lang_from_name((*f)->lang) == indexer::Lang::kUnknown) continue;
        indexer::SymbolHit probe{(*f)->id, (*f)->path, (*f)->lang, {}};
        probe.tag.kind = filter.kind;  // the kind filter applies to definitions' kinds only
        if (!filter.admits(probe)) continue;
        if (!(*f)->skip.empty() || static_cast<uint64_t>((*f)->size) > indexer::kMaxSymbolBytes) {
            roaring_bitmap_add(not_read.get(), id);  // binary, or no symbols; see the header
            continue;
        }
        largest = std::max(largest, static_cast<size_t>((*f)->size));
        files.push_back(std::move(probe));
    }
    if (stats) {
        // The count says which of them may hold the name: every one of its
        // trigrams (query.trigrams; the word gram is a sub-query). Candidates this few may not have been narrowed by all
        // of them (see evaluate()); more were.
        if (ids.size() <= kFewFiles) {
            for (indexer::Trigram t : query.trigrams) {
                if (roaring_bitmap_is_empty(not_read.get())) break;
                auto d = reader_.docs_within(t, not_read.get());
                if (!d) return std::move(d).error();
                not_read = std::move(*d);
            }
        }
        stats->not_read = roaring_bitmap_get_cardinality(not_read.get());
    }
    // Reading and scanning the files runs in parallel; the index (one
    // connection, not thread-safe) is used before and after.
    // Plain threads, not TBB: the lookups run in idx-lookup, which links
    // no shared C++ library, where loading libtbb would cost more than a
    // rare lookup.
    std::vector<std::vector<SymbolMatch>> found(files.size());
    std::atomic<size_t> next{0};
    const UniqueFd root_dir = open_directory(root_);  // no root: every read fails, no uses
    auto scan = [&](std::string& text, size_t i) {
        if (cancelled()) return;
        // Vanished, or now a symlink out of the root, since indexing: no uses.
        if (read_file_beneath(root_dir.get(), files[i].path, text) != 0) return;
        uint32_t line = 1;
        size_t counted = 0;  // newlines counted up to here
        for (size_t pos = find_substring(text, name); pos != std::string::npos; pos = find_substring(text, name, pos + 1)) {
            const size_t end = pos + name.size();
            if ((pos > 0 && ident_char(static_cast<unsigned char>(text[pos - 1]))) ||
                (end < text.size() && ident_char(static_cast<unsigned char>(text[end])))) {
                continue;
            }
            line += static_cast<uint32_t>(count_newlines(text.data() + counted, pos - counted));
            counted = pos;
            size_t line_start = 0;
            SymbolMatch m{files[i], 0, 0};
            m.hit.tag.name = std::string(name);
            m.hit.tag.signature = line_at(text, pos, &line_start);
            m.hit.tag.line = m.hit.tag.start_line = m.hit.tag.end_line = line;
            m.hit.tag.col = static_cast<uint32_t>(pos - line_start + 1);
            m.hit.tag.kind = "reference";
            found[i].push_back(std::move(m));
        }
    };
    auto worker = [&] {
        // One buffer a thread, sized once: grown file by file, it was
        // copied and zeroed again at each larger file, on fresh pages.
        std::string text;
        text.reserve(largest + 1);
        for (size_t i = next++; i < files.size(); i = next++) scan(text, i);
    };
    const unsigned extra = files.size() < 16 ? 0 : std::min(std::max(1u, std::thread::hardware_concurrency()), 8u) - 1;
    std::vector<std::thread> threads;
    for (unsigned t = 0; t < extra; ++t) threads.emplace_back(worker);
    worker();
    for (auto& t : threads) t.join();
    // Definitions are not uses; a tags.scm reference lends its kind (call, ...).
    // Only the files with uses are asked, and only those of them that define
    // or reference the name (def_names, ref_names) have a blob decoded.
    std::unordered_set<int64_t> with_uses;
    for (size_t i = 0; i < files.size(); ++i) {
        if (!found[i].empty()) with_uses.insert(files[i].file);
    }
    auto defs = reader_.find_tags(name, true, &with_uses);
    if (!defs) return std::move(defs).error();
    auto refs = reader_.find_tags(name, false, &with_uses);
    if (!refs) return std::move(refs).error();
    using Spot = std::tuple<int64_t, uint32_t, uint32_t>;  // file, line, col
    std::set<Spot> defined;
    for (const auto& d : *defs) defined.emplace(d.file, d.tag.line, d.tag.col);
    std::map<Spot, std::string> ref_kind;
    for (const auto& r : *refs) ref_kind.emplace(Spot{r.file, r.tag.line, r.tag.col}, r.tag.kind);
    for (auto& per_file : found) {
        for (auto& m : per_file) {
            const Spot at{m.hit.file, m.hit.tag.line, m.hit.tag.col};
            if (defined.count(at)) continue;
            if (auto k = ref_kind.find(at); k != ref_kind.end()) m.hit.tag.kind = k->second;
            out.push_back(std::move(m));
        }
    }
    std::sort(out.begin(), out.end(), by_path_line);
    return out;
}

Expected<std::vector<SymbolMatch>> SymbolLookup::fuzzy(std::string_view query, const SymbolFilter& filter, size_t limit,
                                                       indexer::SymbolMatchStats* stats) {
    if (limit == 0) return std::vector<SymbolMatch>{};
    const std::string q = indexer::fold_query(query);
    if (q.empty()) return Error{ErrorKind::kInvalidArgument, "the symbol query has no letter or digit"};
    indexer::ReadTransaction tx(reader_.db());
    auto files = reader_.ranked_files();
    if (!files) return std::move(files).error();
    // The best 3x `limit` names, re-ranked below with their definitions'
    // kinds and files. When `limit` names begin with the query, they fill
    // the answer (they rank first) unless the filter drops their
    // definitions: then the other matches are read too.
    indexer::SymbolMatchStats local;
    indexer::SymbolMatchStats& st = stats ? *stats : local;
    const size_t want = std::max<size_t>(limit * 3, 30);
    auto names = indexer::match_symbol_names(reader_.db(), q, want, &st, limit, decoded_.get());
    if (!names) return std::move(names).error();
    auto out = resolve_names(*names, filter, static_cast<double>(*files), limit);
    if (!out) return out;
    if (out->size() < limit && !st.fuzzy_tier) {
        st = {};
        names = indexer::match_symbol_names(reader_.db(), q, want, &st, std::numeric_limits<size_t>::max(),
                                             decoded_.get());
        if (!names) return std::move(names).error();
        out = resolve_names(*names, filter, static_cast<double>(*files), limit);
        if (!out) return out;
    }
    std::sort(out->begin(), out->end(), [](const SymbolMatch& a, const SymbolMatch& b) {
        if (a.prefix != b.prefix) return a.prefix;
        if (a.score != b.score) return a.score > b.score;
        return by_path_line(a, b);
    });
    if (out->size() > limit) out->resize(limit);
    return out;
}

Expected<std::vector<SymbolMatch>> SymbolLookup::resolve_names(const std::vector<indexer::ScoredName>& names,
                                                               const SymbolFilter& filter, double ranked_files,
                                                               size_t limit) {
    // A definition scores 4x its name's match plus at most kMaxBonus for
    // kind and file rank. `names` come best first (the prefixed tier, then
    // by score), so once `limit` results are in and the next name cannot
    // reach the limit-th of them, no later name can: each def lookup reads
    // a file's tags, so stopping early saves most of a lookup's time.
    constexpr int kMaxBonus = kMaxKindWeight * 2 + kMaxRankBonus;
    std::vector<SymbolMatch> out;
    // The best `limit` (prefix, score) keys of `out`, the limit-th on top.
    std::priority_queue<std::pair<bool, int>, std::vector<std::pair<bool, int>>, std::greater<>> best;
    for (const auto& n : names) {
        if (best.size() >= limit) {
            const auto [prefix, score] = best.top();
            if (prefix && !n.prefix) break;
            if (prefix == n.prefix && n.score * 4 + kMaxBonus < score) break;
        }
        auto defs = definitions_in_transaction(n.name, filter);
        if (!defs) return std::move(defs).error();
        for (auto& d : *defs) {
            auto rank = reader_.file_rank(d.hit.file);
            if (!rank) return std::move(rank).error();
            d.rank = *rank;
            // A file of average rank adds nothing; a hub adds up to 10.
            const double rel = ranked_files > 0 ? *rank * ranked_files : 1.0;
            const int rank_bonus =
                rel > 0 ? std::clamp(static_cast<int>(std::lround(2 * std::log2(rel))), -4, kMaxRankBonus) : -4;
            d.score = n.score * 4 + kind_weight(d.hit.tag.kind) * 2 + rank_bonus;
            d.prefix = n.prefix;
            best.emplace(d.prefix, d.score);
            if (best.size() > limit) best.pop();
            out.push_back(std::move(d));
        }
    }
    return out;
}

Expected<SymbolLookup::Outline> SymbolLookup::outline(std::string_view path) {
    indexer::ReadTransaction tx(reader_.db());
    auto f = reader_.file(path);
    if (!f) return std::move(f).error();
    if (!*f) return Error{ErrorKind::kNotFound, std::string(path) + ": not in the index"};
    Outline o;
    o.path = (*f)->path;
    o.lang = (*f)->lang;
    const indexer::Lang lang = indexer::lang_from_name((*f)->lang);
    if (lang == indexer::Lang::kUnknown) {
        return Error{ErrorKind::kUnsupported, o.path + ": no grammar for this file's language, so no outline"};
    }
    std::vector<indexer::Tag> tags;
    const std::string full = root_ + "/" + o.path;
    if (unchanged(full, **f)) {
        auto t = reader_.file_tags((*f)->id);
        if (!t) return std::move(t).error();
        tags = std::move(*t);
    } else {
        std::string text;
        if (int err = read_file_beneath(open_directory(root_).get(), o.path, text); err != 0) {
            if (err == EXDEV) return Error{ErrorKind::kPermission, o.path + ": resolves outside the indexed root"};
            return Error::from_errno(err, o.path);
        }
        indexer::Tagger tagger;
        auto r = tagger.tag(lang, text, tags);
        if (!r) return std::move(r).error();
        o.reparsed = true;
    }
    for (auto& t : tags) {
        if (t.is_definition) o.definitions.push_back(std::move(t));
    }
    std::stable_sort(o.definitions.begin(), o.definitions.end(), [](const indexer::Tag& a, const indexer::Tag& b) {
        if (a.start_line != b.start_line) return a.start_line < b.start_line;
        return a.end_line > b.end_line;  // the enclosing one first
    });
    // Depth: how many earlier definitions still enclose this one.
    std::vector<uint32_t> open_ends;
    for (const auto& t : o.definitions) {
        while (!open_ends.empty() && open_ends.back() < t.end_line) open_ends.pop_back();
        o.depth.push_back(static_cast<uint32_t>(open_ends.size()));
        open_ends.push_back(t.end_line);
    }
    return o;
}

}  // namespace idx::search
