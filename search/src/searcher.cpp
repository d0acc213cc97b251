#include "search/searcher.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <tbb/enumerable_thread_specific.h>

#include "common/unique_handle.h"
#include "indexer/walker.h"
#include "search/line_matcher.h"

namespace idx::search {
namespace {

// Reads a whole file into `buf`; returns errno on failure (0 on success).
int read_file(const std::string& path, std::string& buf) {
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) return errno;
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) return errno;
    buf.resize(static_cast<size_t>(st.st_size));
    size_t got = 0;
    while (true) {
        if (got == buf.size()) buf.resize(std::max<size_t>(buf.size() * 2, 4096));  // the file grew
        ssize_t n = ::read(fd.get(), buf.data() + got, buf.size() - got);
        if (n < 0) {
            if (errno == EINTR) continue;
            return errno;
        }
        if (n == 0) break;
        got += static_cast<size_t>(n);
    }
    buf.resize(got);
    return 0;
}

class SearchingWalkSink final : public indexer::WalkSink {
public:
    SearchingWalkSink(const SearchRequest& r, const LineMatcher& m, SearchSink& out) : req_(r), matcher_(m), out_(out) {}

    void on_file(indexer::FileEntry&& e) override {
        Local& local = local_.local();
        if (!local.scratch) {
            auto s = matcher_.make_scratch();
            if (!s) {
                on_error(s.error(), true);
                return;
            }
            local.scratch = std::make_unique<LineMatcher::Scratch>(std::move(*s));
        }
        if (int err = read_file(e.path, local.buf); err != 0) {
            Error error = Error::from_errno(err, e.path);
            error.message += " (os error " + std::to_string(err) + ")";
            on_error(error, true);
            return;
        }
        searched_.fetch_add(1, std::memory_order_relaxed);
        const std::string& buf = local.buf;
        // Binary files (a NUL byte) are skipped; see the search issue for
        // ripgrep's finer rules, which this scanner does not yet follow.
        if (std::memchr(buf.data(), '\0', buf.size()) != nullptr) {
            binary_.fetch_add(1, std::memory_order_relaxed);
            return;
        }
        FileMatches fm;
        size_t line_no = 1, counted_to = 0;
        auto emit = [&](size_t off, size_t len) {
            line_no += static_cast<size_t>(std::count(buf.data() + counted_to, buf.data() + off, '\n'));
            counted_to = off;
            fm.lines.push_back({line_no, std::string(buf.data() + off, len)});
        };
        bool ok;
        if (!req_.invert) {
            ok = matcher_.for_each_line(buf, *local.scratch, emit);
        } else {
            size_t next = 0;  // first byte not yet known to be a non-matching line
            auto emit_gap = [&](size_t upto) {
                while (next < upto) {
                    const char* nl = static_cast<const char*>(std::memchr(buf.data() + next, '\n', upto - next));
                    size_t end = nl ? static_cast<size_t>(nl - buf.data()) : upto;
                    emit(next, end - next);
                    next = end + 1;
                }
            };
            ok = matcher_.for_each_line(buf, *local.scratch, [&](size_t off, size_t len) {
                emit_gap(off);
                next = off + len + 1;
            });
            emit_gap(buf.size());
        }
        if (!ok) {
            on_error(Error::io(e.path + ": Hyperscan scan failed"), true);
            return;
        }
        if (fm.lines.empty()) return;
        matched_.fetch_add(1, std::memory_order_relaxed);
        lines_.fetch_add(fm.lines.size(), std::memory_order_relaxed);
        fm.path = std::move(e.path);
        out_.on_file(std::move(fm));
    }

    void on_error(const Error& error, bool fatal) override {
        if (fatal) errors_.fetch_add(1, std::memory_order_relaxed);
        out_.on_error(error, fatal);
    }

    SearchStats stats() const {
        return {searched_.load(), matched_.load(), lines_.load(), binary_.load(), errors_.load()};
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
    std::atomic<uint64_t> searched_{0}, matched_{0}, lines_{0}, binary_{0}, errors_{0};
};

}  // namespace

Expected<SearchStats> search(const SearchRequest& request, const indexer::WalkOptions& walk, SearchSink& sink) {
    auto matcher = LineMatcher::compile(request);
    if (!matcher) return std::move(matcher).error();
    SearchingWalkSink walk_sink(request, *matcher, sink);
    auto ws = indexer::walk(walk, walk_sink);
    if (!ws) return std::move(ws).error();
    SearchStats s = walk_sink.stats();
    return s;
}

}  // namespace idx::search
