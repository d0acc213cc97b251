// Fuzzes the regex -> trigram planner, cross-checked against the verifier:
// whenever a line of the text matches the regex, the plan must admit the
// text's trigrams (the planner may never drop a true match, issue #4).
//
// Input: one flag byte, the pattern, a NUL, then the text.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "indexer/trigram.h"
#include "search/line_matcher.h"
#include "search/query_plan.h"

using namespace idx::search;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 2) return 0;
    const std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);
    const size_t nul = in.find('\0');
    if (nul == std::string_view::npos || nul > 256) return 0;
    SearchRequest r;
    r.patterns = {std::string(in.substr(0, nul))};
    r.case_insensitive = data[0] & 1;
    r.fixed_strings = data[0] & 2;
    r.word = data[0] & 4;
    r.line = data[0] & 8;
    r.pcre2 = data[0] & 16;
    const std::string text(in.substr(nul + 1));

    const TrigramQuery plan = plan_query(r);
    auto matcher = LineMatcher::compile(r);
    if (!matcher) return 0;  // invalid or unsupported: the CLI reports it
    auto scratch = matcher->make_scratch();
    if (!scratch) return 0;
    bool any = false;
    if (!matcher->for_each_line(text, *scratch, [&](size_t, size_t) { any = true; })) return 0;
    if (!any) return 0;

    static idx::indexer::TrigramExtractor ex;  // reused: it holds a 2 MiB bitmap of seen trigrams
    std::vector<idx::indexer::Trigram> trigrams;
    ex.extract(text, trigrams);
    std::sort(trigrams.begin(), trigrams.end());
    if (!plan.matches(trigrams)) {
        std::fprintf(stderr, "plan %s drops a matching text\n", plan.to_string().c_str());
        std::abort();
    }
    return 0;
}
