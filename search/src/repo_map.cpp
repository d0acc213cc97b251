#include "search/repo_map.h"

#include <algorithm>
#include <map>

#include "indexer/graph_pass.h"
#include "indexer/path_order.h"
#include "search/symbol_lookup.h"

namespace idx::search {
namespace {

struct RankedFile {
    int64_t id;
    double rank;
    std::string path;
};

struct Entry {
    size_t file;  // index into the ranked files
    indexer::Tag tag;
    double score;
};

Expected<std::vector<RankedFile>> stored_ranks(indexer::IndexReader& reader, size_t limit) {
    auto st = reader.db().prepare(
        "SELECT r.file, r.rank, f.path FROM file_rank r JOIN files f ON f.id = r.file ORDER BY r.rank DESC, f.path "
        "LIMIT ?1");
    if (!st) return std::move(st).error();
    st->bind(1, static_cast<int64_t>(limit));
    std::vector<RankedFile> out;
    auto st_read = st->each([&](const indexer::Stmt& row) {
        out.push_back({row.int64(0), row.real(1), std::string(row.text(2))});
    });
    if (!st_read) return st_read.error();
    return out;
}

Expected<std::vector<RankedFile>> focused_ranks(indexer::IndexReader& reader, const MapRequest& req) {
    auto graph = indexer::load_file_graph(reader.db());
    if (!graph) return std::move(graph).error();
    std::vector<double> personal(graph->ids.size(), 0.0);
    auto mark = [&](int64_t id) {
        auto it = std::lower_bound(graph->ids.begin(), graph->ids.end(), id);
        if (it != graph->ids.end() && *it == id) personal[static_cast<size_t>(it - graph->ids.begin())] = 1.0;
    };
    auto under = reader.db().prepare("SELECT id FROM files WHERE path = ?1 OR substr(path, 1, length(?2)) = ?2");
    if (!under) return std::move(under).error();
    for (std::string f : req.focus) {
        while (f.size() > 1 && f.back() == '/') f.pop_back();
        bool found = false;
        under->bind(1, f).bind(2, f + "/");
        auto under_read = under->each([&](const indexer::Stmt& row) {
            mark(row.int64(0));
            found = true;
        });
        if (!under_read) return under_read.error();
        under->reset();
        auto defs = reader.find_tags(f, true);
        if (!defs) return std::move(defs).error();
        for (const auto& d : *defs) mark(d.file);
        found = found || !defs->empty();
        if (!found) return Error{ErrorKind::kNotFound, "--focus " + f + ": no indexed file, folder or symbol by that name"};
    }
    const std::vector<double> rank = indexer::page_rank(static_cast<uint32_t>(graph->ids.size()), graph->edges, personal);
    std::vector<size_t> order(rank.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    const size_t keep = std::min(order.size(), req.max_files);
    std::partial_sort(order.begin(), order.begin() + static_cast<long>(keep), order.end(), [&](size_t a, size_t b) {
        return rank[a] != rank[b] ? rank[a] > rank[b] : graph->ids[a] < graph->ids[b];
    });
    std::vector<RankedFile> out;
    for (size_t i = 0; i < keep; ++i) {
        auto f = reader.file(graph->ids[order[i]]);
        if (!f) return std::move(f).error();
        if (*f) out.push_back({(*f)->id, rank[order[i]], (*f)->path});
    }
    return out;
}

std::string render(const std::vector<RankedFile>& files, std::vector<const Entry*> shown) {
    std::sort(shown.begin(), shown.end(), [](const Entry* a, const Entry* b) {
        return a->file != b->file ? a->file < b->file : a->tag.line < b->tag.line;
    });
    std::string out;
    for (size_t i = 0; i < shown.size(); ++i) {
        if (i == 0 || shown[i]->file != shown[i - 1]->file) {
            out += files[shown[i]->file].path;
            out += ":\n";
        }
        out += "  ";
        out += std::to_string(shown[i]->tag.line);
        out += ": ";
        out += shown[i]->tag.signature;
        out += '\n';
    }
    return out;
}

}  // namespace

size_t estimate_tokens(std::string_view text) { return (text.size() + 3) / 4; }

Expected<RepoMap> build_repo_map(indexer::IndexReader& reader, const MapRequest& req) {
    indexer::ReadTransaction tx(reader.db());
    auto files = req.focus.empty() ? stored_ranks(reader, req.max_files) : focused_ranks(reader, req);
    if (!files) return std::move(files).error();
    std::vector<Entry> entries;
    for (size_t i = 0; i < files->size(); ++i) {
        auto tags = reader.file_tags((*files)[i].id);
        if (!tags) return std::move(tags).error();
        std::vector<indexer::Tag> defs;
        for (auto& t : *tags) {
            if (t.is_definition && !t.signature.empty() && t.kind != "prototype") defs.push_back(std::move(t));
        }
        std::stable_sort(defs.begin(), defs.end(), [](const indexer::Tag& a, const indexer::Tag& b) {
            const int ka = kind_weight(a.kind), kb = kind_weight(b.kind);
            return ka != kb ? ka > kb : a.line < b.line;
        });
        for (size_t j = 0; j < defs.size(); ++j) {
            entries.push_back({i, std::move(defs[j]), (*files)[i].rank / static_cast<double>(j + 1)});
        }
    }
    std::stable_sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
        return a.score != b.score ? a.score > b.score : a.file < b.file;
    });
    auto first = [&](size_t k) {
        std::vector<const Entry*> v;
        for (size_t i = 0; i < k; ++i) v.push_back(&entries[i]);
        return v;
    };
    size_t lo = 0, hi = entries.size();  // the largest k that fits lies in [lo, hi]
    while (lo < hi) {
        const size_t mid = lo + (hi - lo + 1) / 2;
        if (estimate_tokens(render(*files, first(mid))) <= req.tokens) lo = mid;
        else hi = mid - 1;
    }
    RepoMap map;
    map.text = render(*files, first(lo));
    map.tokens = estimate_tokens(map.text);
    map.entries = lo;
    std::vector<size_t> seen;
    for (size_t i = 0; i < lo; ++i) seen.push_back(entries[i].file);
    std::sort(seen.begin(), seen.end());
    map.files = static_cast<size_t>(std::unique(seen.begin(), seen.end()) - seen.begin());
    return map;
}

}  // namespace idx::search
