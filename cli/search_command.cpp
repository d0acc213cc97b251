#include "search_command.h"
#include "parse_args.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <mutex>

#include "indexer/path_order.h"
#include "output.h"
#include "search_printer.h"
#include "search/searcher.h"

namespace idx::cli {
namespace {

}  // namespace

SearchCommand::SearchCommand(CLI::App& parent, bool with_options) {
    cmd_ = parent.add_subcommand("search", "Search file contents for a regex, like rg");
    if (!with_options) return;
    cmd_->add_option("args", positional_, "PATTERN, then files or directories (default: current directory)")
        ->type_name("PATTERN [PATH...]");
    cmd_->add_option("-e,--regexp", regexps_, "A pattern to search for (repeatable)")->allow_extra_args(false);
    cmd_->add_option("-f,--file", pattern_file_, "Read patterns from FILE, one per line");
    cmd_->add_flag("-i,--ignore-case", ignore_case_, "Case-insensitive search");
    cmd_->add_flag("-S,--smart-case", smart_case_, "Case-insensitive unless the pattern has an uppercase letter");
    cmd_->add_flag("-s,--case-sensitive", case_sensitive_, "Case-sensitive search (the default)");
    cmd_->add_flag("-F,--fixed-strings", fixed_, "Treat patterns as literal strings");
    cmd_->add_flag("-w,--word-regexp", word_, "Only whole-word matches");
    cmd_->add_flag("-x,--line-regexp", line_, "Only whole-line matches");
    cmd_->add_flag("-v,--invert-match", invert_, "Select non-matching lines");
    cmd_->add_flag("-P,--pcre2", pcre2_, "Use PCRE2 (lookaround, backreferences)");
    cmd_->add_flag("-n,--line-number", line_number_, "Show line numbers (default on a terminal)");
    cmd_->add_flag("-N,--no-line-number", no_line_number_, "Hide line numbers");
    cmd_->add_flag("--heading", heading_, "Group matches under each file name (default on a terminal)");
    cmd_->add_flag("--no-heading", no_heading_, "Prefix every line with its file name");
    cmd_->add_flag("-l,--files-with-matches", files_with_matches_, "Print only the names of matching files");
    cmd_->add_flag("-c,--count", count_, "Print the number of matching lines per file");
    cmd_->add_flag("-q,--quiet", quiet_, "Print nothing; exit 0 on the first match");
    cmd_->add_flag("--files-without-match", files_without_match_, "Print only the names of files without a match");
    cmd_->add_flag("--count-matches", count_matches_, "Print the number of matches per file");
    cmd_->add_flag("-o,--only-matching", only_matching_, "Print each match on its own line");
    cmd_->add_flag("--column", column_, "Show the column (byte, 1-based) of the first match");
    cmd_->add_option("-A,--after-context", after_, "Show NUM lines after each match")->check(count_check());
    cmd_->add_option("-B,--before-context", before_, "Show NUM lines before each match")->check(count_check());
    cmd_->add_option("-C,--context", context_, "Show NUM lines before and after each match")->check(count_check());
    cmd_->add_option("-m,--max-count", max_count_, "Stop after NUM matching lines per file")->check(count_check());
    cmd_->add_option("--sort", sort_, "Sort results: 'path' or 'none'")->check(CLI::IsMember({"path", "none"}));
    cmd_->add_flag("--no-index", no_index_, "Scan every file even when an index exists");
    cmd_->add_flag("--no-watch", no_watch_, "Walk to find changes even when idx watch vouches for the index");
    cmd_->add_flag("--json", json_, "Print results as JSON Lines, in ripgrep's format");
    cmd_->add_option("--color,--colour", color_, "When to use colour: auto (a terminal, and NO_COLOR unset), never, always")
        ->check(CLI::IsMember({"auto", "never", "always"}));
    cmd_->add_flag("--explain", explain_, "Print the trigram plan and how many indexed files it admits, then exit");
    walk_.add_to(*cmd_);
    cmd_->footer(
        "Examples:\n"
        "  idx search 'struct \\w+_operations \\{' -t c\n"
        "  idx search -i -w 'todo' src --sort path\n");
}

int SearchCommand::run() {
    search::SearchRequest req;
    std::vector<std::string> paths = positional_;
    req.patterns = regexps_;
    if (!pattern_file_.empty()) {
        std::ifstream in(pattern_file_, std::ios::binary);
        if (!in) {
            std::fprintf(stderr, "idx search: %s: cannot read pattern file\n", pattern_file_.c_str());
            return 2;
        }
        for (std::string line; std::getline(in, line);) req.patterns.push_back(line);
    }
    if (regexps_.empty() && pattern_file_.empty()) {
        if (paths.empty()) {
            std::fprintf(stderr, "idx search: error: no pattern given (usage: idx search PATTERN [PATH...])\n");
            return 2;
        }
        req.patterns.push_back(paths.front());
        paths.erase(paths.begin());
    }
    req.case_insensitive = ignore_case_ && !case_sensitive_;
    req.smart_case = smart_case_ && !case_sensitive_ && !ignore_case_;
    req.fixed_strings = fixed_;
    req.word = word_;
    req.line = line_;
    req.invert = invert_;
    req.pcre2 = pcre2_;
    req.no_index = no_index_;
    req.no_watch = no_watch_;
    req.before = before_ >= 0 ? static_cast<uint32_t>(before_) : context_ >= 0 ? static_cast<uint32_t>(context_) : 0;
    req.after = after_ >= 0 ? static_cast<uint32_t>(after_) : context_ >= 0 ? static_cast<uint32_t>(context_) : 0;
    req.max_count = max_count_;
    const char* term = std::getenv("TERM");
    const bool color = color_ == "always" ||
                       (color_ == "auto" && ::isatty(STDOUT_FILENO) && std::getenv("NO_COLOR") == nullptr &&
                        !(term && std::string(term) == "dumb"));
    req.spans = (only_matching_ || column_ || count_matches_ || json_ || color) && !invert_;
    req.report_files_without_match = files_without_match_;
    auto walk = walk_.to_options();
    if (!walk) {
        std::fprintf(stderr, "idx search: %s\n", walk.error().message.c_str());
        return 2;
    }
    walk->paths = paths;
    if (explain_) {
        auto e = search::explain(req, *walk);
        if (!e) {
            std::fprintf(stderr, "idx search: %s\n", e.error().message.c_str());
            return 2;
        }
        std::printf("index:      %s\nplan:       %s\ncandidates: %llu of %llu indexed files\nfreshness:  %s\n",
                    e->db_path.c_str(), e->plan.c_str(), (unsigned long long)e->candidates,
                    (unsigned long long)e->indexed, e->freshness.c_str());
        return 0;
    }

    const bool tty = ::isatty(STDOUT_FILENO) != 0;
    PrintStyle style;
    bool single_file = false;
    if (paths.size() == 1) {
        struct stat st {};
        single_file = ::stat(paths[0].c_str(), &st) == 0 && !S_ISDIR(st.st_mode);
    }
    style.with_filename = !single_file;
    style.line_number = no_line_number_ ? false : (line_number_ || tty);
    style.heading = no_heading_ ? false : (heading_ || tty);
    style.files_only = files_with_matches_;
    style.count = count_ && !count_matches_;
    style.count_matches = count_matches_;
    style.files_without_match = files_without_match_;
    style.only_matching = only_matching_;
    style.column = column_;
    style.context = req.before > 0 || req.after > 0;
    style.quiet = quiet_;
    style.sorted = sort_ == "path";
    style.json = json_;
    style.color = color && !json_;
    if (json_) style.line_number = true;
    if (column_ && !no_line_number_) style.line_number = true;  // --column implies -n

    Output out(STDOUT_FILENO);
    SearchPrinter sink(out, style);
    auto stats = search::search(req, *walk, sink);
    if (!stats) {
        std::fprintf(stderr, "idx search: %s\n", stats.error().message.c_str());
        return 2;
    }
    sink.finish();
    if (sink.reported() && (quiet_ || stats->errors == 0)) return 0;
    return stats->errors > 0 ? 2 : 1;
}

}  // namespace idx::cli
