// SearchRequest: what to look for, with ripgrep's matching flags.
#pragma once

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
};

}  // namespace idx::search
