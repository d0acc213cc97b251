#include "search/searcher.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for_each.h>

#include "common/file_io.h"
#include "common/newline_count.h"
#include "indexer/binary_detection.h"
#include "indexer/walker.h"
#include "index_filter.h"
#include "line_shaper.h"
#include "watched_files.h"
#include "search/line_matcher.h"

namespace idx::search {
namespace {

class SearchingWalkSink final : public indexer::WalkSink {
public:
    SearchingWalkSink(const SearchRequest& r, const LineMatcher& m, SearchSink& out) : req_(r), matcher_(m), out_(out) {}

    void on_file(indexer::FileEntry&& e) override {
        if (filter_ && !filter_->should_search(e)) return;  // the index rules it out
        Local& local = local_.local();
        if (!local.scratch) {
            auto s = matcher_.make_scratch();
            if (!s) {
                on_error(s.error(), true);
                return;
            }
            local.scratch = std::make_unique<LineMatcher::Scratch>(std::move(*s));
        }
        const auto hint = e.has_metadata && !e.is_explicit ? std::optional<size_t>(e.size) : std::nullopt;
        if (int err = read_whole_file(e.path, local.buf, hint); err != 0) {
            Error error = Error::from_errno(err, e.path);
            error.message += " (os error " + std::to_string(err) + ")";
            on_error(error, true);
            return;
        }
        searched_.fetch_add(1, std::memory_order_relaxed);
        bytes_.fetch_add(local.buf.size(), std::memory_order_relaxed);
        FileMatches fm;
        std::string_view buf = local.buf;
        const std::string_view whole = buf;
        // Binary files: ripgrep searches only the part read before the
        // buffer that brought in the first NUL (see binary_detection.h).
        if (e.is_explicit && mmap_mode_ && std::memchr(buf.data(), '\0', buf.size()) != nullptr) {
            search_mapped_binary(buf, *local.scratch, std::move(e.path));
            return;
        }
        const auto cutoff = indexer::binary_cutoff(buf);
        if (cutoff) {
            binary_.fetch_add(1, std::memory_order_relaxed);
            buf = buf.substr(0, cutoff->searched_bytes);
        }
        std::vector<LineSpan> selected;
        bool ok;
        if (!req_.invert) {
            ok = matcher_.for_each_line(buf, *local.scratch, [&](size_t off, size_t len) { selected.emplace_back(off, len); });
        } else {
            size_t next = 0;  // first byte not yet known to be a non-matching line
            auto emit_gap = [&](size_t upto) {
                while (next < upto) {
                    const char* nl = static_cast<const char*>(std::memchr(buf.data() + next, '\n', upto - next));
                    size_t end = nl ? static_cast<size_t>(nl - buf.data()) : upto;
                    selected.emplace_back(next, end - next);
                    next = end + 1;
                }
            };
            ok = matcher_.for_each_line(buf, *local.scratch, [&](size_t off, size_t len) {
                emit_gap(off);
                next = off + len + 1;
            });
            emit_gap(buf.size());
        }
        shape_lines(buf, selected, req_,
                    [&](std::string_view line) { return matcher_.spans(line, *local.scratch); }, fm.lines);
        if (!ok) {
            on_error(Error::io(e.path + ": matching failed (a regex engine reached its limit)"), true);
            return;
        }
        if (cutoff && e.is_explicit && !req_.invert) {
            // A file named by the user is searched further (ripgrep's
            // "convert" mode, NUL read as a line break); a match past the
            // cutoff is only announced.
            std::string rest(whole.substr(cutoff->searched_bytes));
            std::replace(rest.begin(), rest.end(), '\0', '\n');
            matcher_.for_each_line(rest, *local.scratch, [&](size_t, size_t) { ++fm.binary_rest_lines; });
            fm.binary_match = fm.binary_rest_lines > 0;
        }
        if (fm.lines.empty() && !fm.binary_match) {
            if (req_.report_files_without_match) out_.on_file_without_match(e.path);
            return;
        }
        if (cutoff) fm.binary_offset = cutoff->nul_offset;
        fm.bytes_searched = buf.size();
        if (!buf.empty() && buf.back() != '\n') {
            fm.last_line_terminated = false;
            const void* nl = ::memrchr(buf.data(), '\n', buf.size());
            fm.last_line_offset = nl ? static_cast<uint64_t>(static_cast<const char*>(nl) - buf.data()) + 1 : 0;
        }
        matched_.fetch_add(1, std::memory_order_relaxed);
        lines_.fetch_add(selected.size(), std::memory_order_relaxed);
        fm.path = std::move(e.path);
        out_.on_file(std::move(fm));
    }

    void on_error(const Error& error, bool fatal) override {
        if (fatal) errors_.fetch_add(1, std::memory_order_relaxed);
        out_.on_error(error, fatal);
    }

    // ripgrep memory-maps up to 10 files named on the command line (when
    // every path is a file); binary detection then looks at the first 64 KiB
    // and at each matching line only. The first sign of binary data stops
    // the search with a "binary file matches" notice.
    void search_mapped_binary(std::string_view buf, LineMatcher::Scratch& scratch, std::string path) {
        constexpr size_t kHead = 64 * 1024;
        FileMatches fm;
        const void* head_nul = std::memchr(buf.data(), '\0', std::min(buf.size(), kHead));
        size_t line_no = 1, counted_to = 0;
        bool stop = false;
        matcher_.for_each_line(buf, scratch, [&](size_t off, size_t len) {
            if (stop) {
                ++fm.binary_rest_lines;  // only -c reports these
                return;
            }
            const void* nul = head_nul ? head_nul : std::memchr(buf.data() + off, '\0', len);
            if (nul != nullptr) {
                fm.binary_offset = static_cast<uint64_t>(static_cast<const char*>(nul) - buf.data());
                fm.binary_match = true;
                fm.binary_rest_lines = 1;
                stop = true;
                return;
            }
            line_no += static_cast<size_t>(count_newlines(buf.data() + counted_to, off - counted_to));
            counted_to = off;
            fm.lines.push_back({line_no, std::string(buf.data() + off, len)});
        });
        if (fm.lines.empty() && !fm.binary_match) return;
        matched_.fetch_add(1, std::memory_order_relaxed);
        lines_.fetch_add(fm.lines.size(), std::memory_order_relaxed);
        fm.path = std::move(path);
        out_.on_file(std::move(fm));
    }

    void set_mmap_mode(bool on) { mmap_mode_ = on; }
    void set_filter(const IndexFilter* f) { filter_ = f; }

    SearchStats stats() const {
        SearchStats s;
        s.files_searched = searched_.load();
        s.files_matched = matched_.load();
        s.lines_matched = lines_.load();
        s.binary_files = binary_.load();
        s.errors = errors_.load();
        s.bytes_searched = bytes_.load();
        return s;
    }

private:
    struct Local {
        std::unique_ptr<LineMatcher::Scratch> scratch;
        std::string buf;
    };
    const SearchRequest& req_;
    const LineMatcher& matcher_;
    SearchSink& out_;
    tbb::enumerable_thread_specific<Local> local_;
    bool mmap_mode_ = false;
    const IndexFilter* filter_ = nullptr;
    std::atomic<uint64_t> searched_{0}, matched_{0}, lines_{0}, binary_{0}, errors_{0}, bytes_{0};
};

}  // namespace

Expected<SearchStats> search(const SearchRequest& request, const indexer::WalkOptions& walk, SearchSink& sink) {
    auto matcher = LineMatcher::compile(request);
    if (!matcher) return std::move(matcher).error();
    SearchingWalkSink walk_sink(request, *matcher, sink);
    // ripgrep 13's mmap choice: at most 10 paths, all of them files.
    bool all_files = !walk.paths.empty() && walk.paths.size() <= 10;
    for (const auto& p : walk.paths) {
        struct stat st {};
        all_files = all_files && ::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode);
    }
    walk_sink.set_mmap_mode(all_files);
    // A running `idx watch` that vouches for the index spares the walk.
    auto watched = watched_files(request, walk);
    if (!watched) return std::move(watched).error();
    if (*watched) {
        tbb::parallel_for_each((*watched)->files.begin(), (*watched)->files.end(), [&](indexer::FileEntry& e) {
            if (!walk.cancel || !walk.cancel->load(std::memory_order_relaxed)) walk_sink.on_file(std::move(e));
        });
        SearchStats s = walk_sink.stats();
        s.used_index = true;
        return s;
    }
    std::optional<IndexFilter> filter;
    indexer::WalkOptions w = walk;
    if (!request.no_index) {
        auto f = IndexFilter::open(request);
        if (!f) return std::move(f).error();
        filter = std::move(*f);
    }
    if (filter) {
        walk_sink.set_filter(&*filter);
        w.want_metadata = true;  // to tell files changed since the index
    }
    auto ws = indexer::walk(w, walk_sink);
    if (!ws) return std::move(ws).error();
    SearchStats s = walk_sink.stats();
    s.used_index = filter.has_value();
    return s;
}

Expected<SearchExplanation> explain(const SearchRequest& request, const indexer::WalkOptions& walk) {
    auto f = IndexFilter::open(request);
    if (!f) return std::move(f).error();
    if (!*f) return Error::not_found("no index found here or above (run `idx index`)");
    std::string why;
    auto watched = watched_files(request, walk, &why);
    if (!watched) return std::move(watched).error();
    if (*watched) why.clear();
    return SearchExplanation{(*f)->db_path(), (*f)->plan().to_string(), (*f)->indexed(), (*f)->candidates(),
                             why.empty() ? "idx watch vouches for the index: no walk"
                                         : "walk and compare with the index (" + why + ")"};
}

}  // namespace idx::search
