// SearchPrinter: ripgrep's standard, count and file-list output for the
// results idx search pushes into it (no colour yet). Thread-safe: files
// arrive from worker threads; each file's lines are written as one block.
#pragma once

#include <atomic>
#include <mutex>
#include <string>
#include <vector>

#include "json_printer.h"
#include "output.h"
#include "search/searcher.h"

namespace idx::cli {

struct PrintStyle {
    bool with_filename = true;
    bool line_number = false;
    bool heading = false;
    bool files_only = false;           // -l
    bool files_without_match = false;  // --files-without-match
    bool count = false;                // -c
    bool count_matches = false;        // --count-matches
    bool only_matching = false;        // -o
    bool column = false;               // --column
    bool context = false;              // -A/-B/-C given: "--" between groups
    bool quiet = false;                // -q
    bool sorted = false;               // --sort path: print once all files are in
    bool json = false;                 // --json: ripgrep's JSON Lines
    bool color = false;                // ripgrep's default colours (path, line number, match)
};

class SearchPrinter final : public search::SearchSink {
public:
    SearchPrinter(Output& out, PrintStyle style) : out_(out), style_(style) {}

    void on_file(search::FileMatches&& m) override;
    void on_error(const Error& error, bool fatal) override;
    void on_file_without_match(const std::string& path) override;

    // Whether any file was reported: ripgrep's exit status counts a file
    // as matching only when its printer reported it.
    bool reported() const { return reported_; }
    // Prints what --sort held back, and the --json summary.
    void finish();

private:
    void write_group(const std::string& text);
    std::string format(const search::FileMatches& m);
    std::string prefix(const search::FileMatches& m, uint64_t number, char sep) const;
    std::string paint(std::string_view text, const char* sgr) const;  // sgr: e.g. "\x1b[35m"

    Output& out_;
    PrintStyle style_;
    bool wrote_any_ = false;
    std::atomic<bool> reported_{false};
    std::mutex mu_;
    std::vector<search::FileMatches> pending_;
    std::vector<std::string> pending_paths_;
    JsonTotals totals_;
    std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

}  // namespace idx::cli
