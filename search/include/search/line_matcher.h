// LineMatcher: finds the lines of a buffer that match a SearchRequest, with
// Hyperscan. Lines are '\n'-terminated and matched one at a time in meaning:
// a match never spans a line break, as in ripgrep without -U.
//
// A LineMatcher is immutable after compile() and may be shared by threads;
// each thread passes its own Scratch.
#pragma once

#include <functional>
#include <memory>
#include <utility>
#include <vector>
#include <string_view>

#include "common/expected.h"
#include "search/hs_handles.h"
#include "search/search_request.h"

namespace idx::search {

class Pcre2Matcher;
struct Pcre2Scratch;  // a thread's PCRE2 match data (line_matcher.cpp)

class LineMatcher {
public:
    static Expected<LineMatcher> compile(const SearchRequest& request);

    class Scratch {
    public:
        Scratch();
        ~Scratch();
        Scratch(Scratch&&) noexcept;
        Scratch& operator=(Scratch&&) noexcept;
    private:
        friend class LineMatcher;
        HsScratch utf8_, bytes_;
        std::unique_ptr<Pcre2Scratch> pcre_, spans_;
    };
    Expected<Scratch> make_scratch() const;

    // Calls `on_line(offset, length)` for each matching line (without its
    // '\n'), in order. Returns false if Hyperscan failed.
    bool for_each_line(std::string_view buf, Scratch& scratch,
                       const std::function<void(size_t, size_t)>& on_line) const;

    // The byte ranges of the matches in one line (request.spans only).
    std::vector<std::pair<uint32_t, uint32_t>> spans(std::string_view line, Scratch& scratch) const;

private:
    // Two databases: UTF-8/Unicode for valid UTF-8 text, bytes otherwise.
    std::shared_ptr<HsDatabase> utf8_, bytes_;
    std::shared_ptr<Pcre2Matcher> pcre_;
    std::shared_ptr<Pcre2Matcher> spans_;  // PCRE2, leftmost-first like ripgrep's engine
};

// ripgrep's smart case: true if `pattern` has an uppercase letter outside
// an escape sequence.
bool has_uppercase_literal(std::string_view pattern);

// Escapes every regex metacharacter, for -F.
std::string escape_regex(std::string_view literal);

}  // namespace idx::search
