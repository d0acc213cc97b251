// Pcre2Matcher: the fallback engine for patterns Hyperscan rejects (\b and
// \B with Unicode, backreferences, lookaround), with ripgrep's line
// semantics. Immutable after compile(); each thread uses its own MatchData.
#pragma once

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "common/expected.h"
#include "common/unique_handle.h"

namespace idx::search {

using Pcre2Code = UniqueHandle<pcre2_code, &pcre2_code_free>;
using Pcre2MatchData = UniqueHandle<pcre2_match_data, &pcre2_match_data_free>;

class Pcre2Matcher {
public:
    // `pattern` is one regex (alternatives already joined).
    static Expected<Pcre2Matcher> compile(const std::string& pattern, bool caseless);

    Pcre2MatchData make_match_data() const;
    // Calls on_line(offset, length) for each line of `buf` holding a match.
    // Returns false on a matching error (e.g. the backtracking limit).
    bool for_each_line(std::string_view buf, pcre2_match_data* md,
                       const std::function<void(size_t, size_t)>& on_line) const;

    // Calls on_span(start, end) for each match in `line`, iterating as Rust's
    // regex crate (and so ripgrep) does: after an empty match, resume one
    // character later; an empty match right after a match is skipped.
    void for_each_span(std::string_view line, pcre2_match_data* md,
                       const std::function<void(size_t, size_t)>& on_span) const;

private:
    bool matches(std::string_view subject, size_t from, pcre2_match_data* md, int* rc) const;
    std::shared_ptr<Pcre2Code> code_;
};

}  // namespace idx::search
