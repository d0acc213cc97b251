// LineMatcher: finds the lines of a buffer that match a SearchRequest, with
// Hyperscan (or, for one case-sensitive ASCII literal, find_substring).
// Lines are '\n'-terminated and matched one at a time in meaning: a match
// never spans a line break, as in ripgrep without -U.
//
// A LineMatcher may be shared by threads once compiled; each thread passes
// its own Scratch. Pure-ASCII text is matched by Hyperscan's byte database,
// whose answers on such text are the Unicode ones (\w, \b, \s, \d and case
// folding differ only on non-ASCII characters); `\w+` compiles in ~1 ms that
// way against ~150 ms with Unicode classes. Text with other bytes goes to
// PCRE2 (Unicode semantics), unless the pattern means the same on bytes.
#pragma once

#include <functional>
#include <memory>
#include <string>
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
        HsScratch utf8_, bytes_;  // utf8_: allocated on first use
        std::unique_ptr<Pcre2Scratch> pcre_, spans_;
    };
    Expected<Scratch> make_scratch() const;

    // Calls `on_line(offset, length)` for each matching line (without its
    // '\n'), in order. Returns false if Hyperscan failed.
    bool for_each_line(std::string_view buf, Scratch& scratch,
                       const std::function<void(size_t, size_t)>& on_line) const;

    // The byte ranges of the matches in one line (request.spans only).
    std::vector<std::pair<uint32_t, uint32_t>> spans(std::string_view line, Scratch& scratch) const;

    struct Unicode;  // the matcher for text with non-ASCII bytes (line_matcher.cpp)

private:
    // Hyperscan's UTF-8 database with Unicode classes, compiled on first
    // need (nullptr if it cannot be).
    const Unicode* unicode() const;

    // One case-sensitive ASCII literal (no -w, -x, -P): found with
    // find_substring, with no Hyperscan database to compile (~0.5 ms of a
    // rare literal's ~9 ms search). It means the same on bytes as on
    // characters, as the byte database would.
    std::string literal_;
    // Pure-ASCII text, and any text when the pattern is byte_safe_ (means
    // the same on bytes as on characters): Hyperscan's byte database.
    std::shared_ptr<HsDatabase> bytes_;
    bool byte_safe_ = false;
    bool ascii_safe_ = true;  // false: even pure-ASCII text needs Unicode case folding
    // Other text: PCRE2 with Unicode semantics, then unicode_ if PCRE2
    // gives up (its backtracking limit).
    std::shared_ptr<Pcre2Matcher> unicode_pcre_;
    std::shared_ptr<Unicode> unicode_;
    std::shared_ptr<Pcre2Matcher> pcre_;  // all text: -P, large bounded repeats, lookaround
    std::shared_ptr<Pcre2Matcher> spans_;  // PCRE2, leftmost-first like ripgrep's engine
};

// ripgrep's smart case: true if `pattern` has an uppercase letter outside
// an escape sequence.
bool has_uppercase_literal(std::string_view pattern);

// Escapes every regex metacharacter, for -F.
std::string escape_regex(std::string_view literal);

}  // namespace idx::search
