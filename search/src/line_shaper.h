// shape_lines(): from the selected lines of a buffer to what is printed:
// -m truncation, -A/-B context lines, line numbers, absolute offsets and,
// when asked, each match's span within its line.
#pragma once

#include <functional>
#include <string_view>
#include <utility>
#include <vector>

#include "search/search_request.h"
#include "search/searcher.h"

namespace idx::search {

using LineSpan = std::pair<size_t, size_t>;  // (offset, length) within the buffer
using SpanFinder = std::function<std::vector<std::pair<uint32_t, uint32_t>>(std::string_view line)>;

// `selected` is in buffer order. `find_spans` is called for selected lines
// when request.spans is set.
void shape_lines(std::string_view buf, const std::vector<LineSpan>& selected, const SearchRequest& request,
                 const SpanFinder& find_spans, std::vector<MatchedLine>& out);

}  // namespace idx::search
