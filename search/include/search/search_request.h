// SearchRequest: what to look for, with ripgrep's matching flags.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace idx::search {

struct SearchRequest {
    std::vector<std::string> patterns;  // any of them matches (-e, -f)
    bool case_insensitive = false;      // -i
    bool smart_case = false;            // -S: -i unless a pattern has an uppercase letter
    bool fixed_strings = false;         // -F
    bool word = false;                  // -w
    bool line = false;                  // -x
    bool invert = false;                // -v
    bool pcre2 = false;                 // -P: PCRE2 syntax and engine
    bool no_index = false;              // --no-index: scan even when an index exists
    bool no_watch = false;              // --no-watch: walk even when idx watch vouches for the index
    uint32_t before = 0, after = 0;     // -B / -A context lines
    uint64_t max_count = 0;             // -m: selected lines per file (0: no limit)
    bool spans = false;                 // report each match's byte range (-o, --column, --count-matches)
    bool report_files_without_match = false;  // --files-without-match
};

}  // namespace idx::search
