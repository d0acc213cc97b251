#include "search/structural_query.h"

#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>

#include <algorithm>

#include "common/file_io.h"
#include "common/substring_search.h"
#include "index_filter.h"
#include "indexer/path_order.h"
#include "indexer/walker.h"
#include <mutex>
#include "indexer/ts_handles.h"
#include "search/query_plan.h"
#include "search/search_request.h"

namespace idx::search {
namespace {

TrigramQuery literal_plan(const std::string& literal) {
    SearchRequest r;
    r.patterns = {literal};
    r.fixed_strings = true;
    return plan_query(r);
}

struct Worker {
    indexer::TsParser parser{ts_parser_new()};
    indexer::TsQueryCursor cursor{ts_query_cursor_new()};
    std::string text;
};

}  // namespace

Expected<StructuralQuery> StructuralQuery::compile(const std::string& source, indexer::Lang lang) {
    const TSLanguage* language = indexer::ts_language(lang);
    if (!language) return Error{ErrorKind::kUnsupported, "no grammar for this language"};
    auto q = indexer::TagsQuery::compile(language, "", source);
    if (!q) return std::move(q).error();
    StructuralQuery s;
    s.lang_ = lang;
    s.query_ = std::move(*q);
    // Per pattern, the literals its matches need: a capture that must be
    // present (quantifier one or one-or-more) and is compared by #eq? with
    // a string, or by #any-of? with strings none of which is empty.
    const TSQuery* tq = s.query_->query();
    for (uint32_t p = 0; p < ts_query_pattern_count(tq); ++p) {
        auto& sets = s.required_.emplace_back();
        for (const auto& pred : s.query_->pattern(p).predicates) {
            const TSQuantifier quant = ts_query_capture_quantifier_for_id(tq, p, pred.capture);
            if (pred.negated || (quant != TSQuantifierOne && quant != TSQuantifierOneOrMore)) continue;
            if (pred.op == indexer::TagsQuery::TextPredicate::kEq && pred.other_capture < 0 && !pred.value.empty()) {
                sets.push_back({pred.value});
            } else if (pred.op == indexer::TagsQuery::TextPredicate::kAnyOf && !pred.values.empty() &&
                       std::none_of(pred.values.begin(), pred.values.end(),
                                    [](const std::string& v) { return v.empty(); })) {
                sets.push_back(pred.values);
            }
        }
    }
    return s;
}

TrigramQuery StructuralQuery::plan() const {
    TrigramQuery any = TrigramQuery::none();
    for (const auto& sets : required_) {
        TrigramQuery need = TrigramQuery::all();
        for (const auto& one_of : sets) {
            TrigramQuery one = TrigramQuery::none();
            for (const auto& v : one_of) one = one.or_(literal_plan(v));
            need = need.and_(one);
        }
        any = any.or_(need);
    }
    return any;
}

bool StructuralQuery::may_match(std::string_view text) const {
    auto present = [&](const std::string& v) { return find_substring(text, v) != std::string_view::npos; };
    return std::any_of(required_.begin(), required_.end(), [&](const auto& sets) {
        return std::all_of(sets.begin(), sets.end(),
                           [&](const auto& one_of) { return std::any_of(one_of.begin(), one_of.end(), present); });
    });
}

Expected<StructuralStats> StructuralQuery::run(const std::vector<File>& files,
                                               const std::function<bool(const std::vector<CaptureHit>&)>& sink,
                                               const std::atomic<bool>* cancel, bool check_literals) const {
    StructuralStats stats;
    stats.files = files.size();
    std::vector<std::vector<CaptureHit>> results(files.size());
    std::vector<uint8_t> failed(files.size(), 0), parsed(files.size(), 0);
    tbb::enumerable_thread_specific<Worker> workers;
    const TSLanguage* language = query_->language();
    // In blocks, so that output starts early and a sink that stops early
    // saves the rest of the work.
    constexpr size_t kBlock = 256;
    for (size_t begin = 0; begin < files.size(); begin += kBlock) {
        if (cancel && cancel->load()) {
            stats.cancelled = true;
            return stats;
        }
        const size_t end = std::min(files.size(), begin + kBlock);
        tbb::parallel_for(begin, end, [&](size_t i) {
            if (cancel && cancel->load(std::memory_order_relaxed)) return;  // stop within a block too
            Worker& w = workers.local();
            if (read_whole_file(files[i].full_path, w.text) != 0) return;
            // The index's trigrams admit files that hold a literal's
            // trigrams but not the literal (on Linux, 1,062 files for
            // kmalloc_array, 672 with it): a scan is far cheaper than a parse.
            if (check_literals && !may_match(w.text)) return;
            parsed[i] = 1;
            ts_parser_set_language(w.parser.get(), language);
            indexer::TsTree tree(ts_parser_parse_string(w.parser.get(), nullptr, w.text.data(),
                                                        static_cast<uint32_t>(w.text.size())));
            if (!tree) {
                failed[i] = 1;
                return;
            }
            ts_query_cursor_exec(w.cursor.get(), query_->query(), ts_tree_root_node(tree.get()));
            TSQueryMatch m;
            auto& out = results[i];
            while (ts_query_cursor_next_match(w.cursor.get(), &m)) {
                if (!query_->accepts(m, w.text)) continue;
                for (uint16_t c = 0; c < m.capture_count; ++c) {
                    uint32_t len = 0;
                    const char* name = ts_query_capture_name_for_id(query_->query(), m.captures[c].index, &len);
                    if (len > 0 && name[0] == '_') continue;  // "@_x": a helper capture, as in tree-sitter's CLI
                    const TSNode n = m.captures[c].node;
                    const TSPoint s = ts_node_start_point(n), e = ts_node_end_point(n);
                    out.push_back({files[i].path, s.row + 1, s.column + 1, e.row + 1, e.column + 1,
                                   std::string(name, len), std::string(indexer::node_text(w.text, n))});
                }
            }
            std::stable_sort(out.begin(), out.end(), [](const CaptureHit& a, const CaptureHit& b) {
                return a.line != b.line ? a.line < b.line : a.col < b.col;
            });
            out.erase(std::unique(out.begin(), out.end(),
                                  [](const CaptureHit& a, const CaptureHit& b) {
                                      return a.line == b.line && a.col == b.col && a.end_line == b.end_line &&
                                             a.end_col == b.end_col && a.capture == b.capture;
                                  }),
                      out.end());
        });
        if (cancel && cancel->load()) {
            stats.cancelled = true;
            return stats;
        }
        for (size_t i = begin; i < end; ++i) {
            stats.parse_failures += failed[i];
            stats.parsed += parsed[i];
            if (results[i].empty()) continue;
            stats.matches += results[i].size();
            if (!sink(results[i])) return stats;
            results[i].clear();
            results[i].shrink_to_fit();
        }
    }
    return stats;
}

Expected<StructuralStats> structural_search(const StructuralQuery& query, const indexer::WalkOptions& walk,
                                            bool no_index,
                                            const std::function<bool(const std::vector<CaptureHit>&)>& sink) {
    std::optional<IndexFilter> filter;
    if (!no_index) {
        auto f = IndexFilter::open_with_plan(query.plan());
        if (!f) return std::move(f).error();
        filter = std::move(*f);
    }
    struct Sink : indexer::WalkSink {
        const StructuralQuery* q;
        const IndexFilter* filter;
        std::mutex mu;
        std::vector<StructuralQuery::File> files;
        void on_file(indexer::FileEntry&& e) override {
            if (e.lang != q->lang()) return;
            if (filter && !filter->should_search(e)) return;
            std::lock_guard lock(mu);
            files.push_back({e.path, e.path});
        }
        void on_error(const Error&, bool) override {}  // an unreadable folder holds no files to query
    } sink_files;
    sink_files.q = &query;
    sink_files.filter = filter ? &*filter : nullptr;
    indexer::WalkOptions w = walk;
    w.want_metadata = filter.has_value();  // to tell files changed since the index
    auto ws = indexer::walk(w, sink_files);
    if (!ws) return std::move(ws).error();
    std::sort(sink_files.files.begin(), sink_files.files.end(),
              [](const StructuralQuery::File& a, const StructuralQuery::File& b) { return indexer::path_less(a.path, b.path); });
    // --no-index parses every file of the language, as it says.
    return query.run(sink_files.files, sink, walk.cancel, !no_index);
}

}  // namespace idx::search
