#include "line_shaper.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "common/newline_count.h"

namespace idx::search {
namespace {

// Walks lines forward, keeping the 1-based number of the line at `pos`.
class LineCounter {
public:
    explicit LineCounter(std::string_view buf) : buf_(buf) {}
    uint64_t number_at(size_t pos) {
        number_ += count_newlines(buf_.data() + at_, pos - at_);
        at_ = pos;
        return number_;
    }

private:
    std::string_view buf_;
    size_t at_ = 0;
    uint64_t number_ = 1;
};

size_t line_end(std::string_view buf, size_t start) {
    const void* nl = std::memchr(buf.data() + start, '\n', buf.size() - start);
    return nl ? static_cast<size_t>(static_cast<const char*>(nl) - buf.data()) : buf.size();
}

// The start of the line `count` lines before the one starting at `start`,
// not going back past `floor`.
size_t back_lines(std::string_view buf, size_t start, uint32_t count, size_t floor) {
    size_t s = start;
    while (count-- > 0 && s > floor) {
        size_t p = s - 1;  // the '\n' ending the previous line
        const void* nl = p == 0 ? nullptr : ::memrchr(buf.data(), '\n', p);
        s = nl ? static_cast<size_t>(static_cast<const char*>(nl) - buf.data()) + 1 : 0;
        if (s < floor) s = floor;
    }
    return s;
}

}  // namespace

void shape_lines(std::string_view buf, const std::vector<LineSpan>& selected_all, const SearchRequest& r,
                 const SpanFinder& find_spans, std::vector<MatchedLine>& out) {
    size_t n = selected_all.size();
    if (r.max_count > 0 && n > r.max_count) n = static_cast<size_t>(r.max_count);
    LineCounter counter(buf);
    size_t done = 0;  // bytes before this offset are printed (or skipped for good)
    auto emit = [&](size_t off, size_t len, bool is_match, bool counted = true) {
        MatchedLine line;
        line.counted = is_match && counted;
        line.number = counter.number_at(off);
        line.text = std::string(buf.substr(off, len));
        line.is_match = is_match;
        line.offset = off;
        if (is_match && r.spans && find_spans) line.spans = find_spans(line.text);
        out.push_back(std::move(line));
        done = off + len + 1;
    };
    for (size_t i = 0; i < n; ++i) {
        const auto [off, len] = selected_all[i];
        // Before-context, not re-printing what is already out.
        for (size_t s = back_lines(buf, off, r.before, done); s < off;) {
            const size_t e = line_end(buf, s);
            emit(s, e - s, false);
            s = e + 1;
        }
        emit(off, len, true);
        // After-context, up to the next selected line. Past -m, a selected
        // line in the context still shows as a match, as in ripgrep, but
        // does not count.
        const size_t limit = i + 1 < n ? selected_all[i + 1].first : buf.size();
        size_t s = off + len + 1;
        size_t beyond = n;
        for (uint32_t k = 0; k < r.after && s < limit && s < buf.size(); ++k) {
            const size_t e = line_end(buf, s);
            while (beyond < selected_all.size() && selected_all[beyond].first < s) ++beyond;
            const bool selected = beyond < selected_all.size() && selected_all[beyond].first == s;
            emit(s, e - s, selected, false);
            s = e + 1;
        }
    }
}

}  // namespace idx::search
