// JSON Lines in ripgrep's --json format: begin / match / context / end
// messages per file and a summary, so that tools reading `rg --json` work
// unchanged. Text that is not valid UTF-8 is sent as {"bytes": base64}.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "search/searcher.h"

namespace idx::cli {

struct JsonTotals {
    uint64_t searches = 0, searches_with_match = 0, bytes_searched = 0, bytes_printed = 0;
    uint64_t matched_lines = 0, matches = 0;
};

// The messages for one file with at least one line; updates `totals`.
std::string json_for_file(const search::FileMatches& m, JsonTotals& totals);
// The closing summary message.
std::string json_summary(const JsonTotals& totals, std::chrono::nanoseconds elapsed);

}  // namespace idx::cli
