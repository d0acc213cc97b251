#include "search_printer.h"

#include <algorithm>
#include <cstdio>

#include "indexer/path_order.h"

namespace idx::cli {

void SearchPrinter::on_file(search::FileMatches&& m) {
    if (style_.files_without_match) return;  // only files without a match are listed
    if (style_.quiet) {
        reported_ = true;
        return;
    }
    if (style_.sorted) {
        std::lock_guard lock(mu_);
        pending_.push_back(std::move(m));
        return;
    }
    std::lock_guard lock(mu_);
    write_group(format(m));
}

void SearchPrinter::on_file_without_match(const std::string& path) {
    std::lock_guard lock(mu_);
    if (style_.sorted) {
        pending_paths_.push_back(path);
    } else {
        write_group(path + "\n");
    }
}

void SearchPrinter::on_error(const Error& error, bool) {
    std::lock_guard lock(mu_);
    std::fprintf(stderr, "%s\n", error.message.c_str());
}

void SearchPrinter::finish() {
    std::sort(pending_.begin(), pending_.end(),
              [](const auto& a, const auto& b) { return indexer::path_less(a.path, b.path); });
    for (const auto& m : pending_) write_group(format(m));
    std::sort(pending_paths_.begin(), pending_paths_.end(), indexer::path_less);
    for (const auto& p : pending_paths_) write_group(p + "\n");
    if (style_.json && !style_.quiet) {
        // As ripgrep's: the totals cover the files that were reported.
        out_.write(json_summary(totals_, std::chrono::steady_clock::now() - start_));
    }
    out_.flush();
}

void SearchPrinter::write_group(const std::string& text) {
    if (text.empty()) return;  // e.g. -c on a binary file ripgrep gave up on
    reported_ = true;
    const bool lines_mode = !style_.files_only && !style_.count && !style_.count_matches &&
                            !style_.files_without_match && !style_.json;
    if (lines_mode && wrote_any_) {
        if (style_.heading) {
            out_.write("\n");
        } else if (style_.context) {
            out_.write("--\n");
        }
    }
    out_.write(text);
    wrote_any_ = true;
}

namespace {
// ripgrep's default colours (Unix): path magenta, line number green, match bold red.
constexpr const char* kPath = "\x1b[35m";
constexpr const char* kLine = "\x1b[32m";
constexpr const char* kMatch = "\x1b[1m\x1b[31m";
}  // namespace

std::string SearchPrinter::paint(std::string_view text, const char* sgr) const {
    if (!style_.color) return std::string(text);
    return std::string("\x1b[0m") + sgr + std::string(text) + "\x1b[0m";
}

std::string SearchPrinter::prefix(const search::FileMatches& m, uint64_t number, char sep) const {
    std::string s;
    if (style_.with_filename && !style_.heading) {
        s += paint(m.path, kPath);
        s += sep;
    }
    if (style_.line_number) {
        s += paint(std::to_string(number), kLine);
        s += sep;
    }
    return s;
}

// Called with mu_ held (JSON totals are shared).
std::string SearchPrinter::format(const search::FileMatches& m) {
    std::string s;
    if (style_.json) return m.lines.empty() ? s : json_for_file(m, totals_);
    if (style_.files_only) return m.path + "\n";
    const bool quit_binary = m.binary_offset && !m.binary_match;
    if (style_.count || style_.count_matches) {
        uint64_t n = m.binary_rest_lines;
        for (const auto& line : m.lines) {
            if (!line.counted) continue;
            n += style_.count_matches && !line.spans.empty() ? line.spans.size() : 1;
        }
        if (quit_binary || n == 0) return s;  // ripgrep stays silent
        if (style_.with_filename) s += m.path + ":";
        return s + std::to_string(n) + "\n";
    }
    if (style_.heading && style_.with_filename) s += paint(m.path, kPath) + "\n";
    uint64_t last = 0;
    for (const auto& line : m.lines) {
        if (style_.context && last != 0 && line.number > last + 1) s += "--\n";
        last = line.number;
        if (!line.is_match) {
            s += prefix(m, line.number, '-') + line.text + "\n";
            continue;
        }
        if (style_.only_matching) {
            for (auto [b, e] : line.spans) {
                s += prefix(m, line.number, ':');
                if (style_.column) s += std::to_string(b + 1) + ":";
                s += paint(std::string_view(line.text).substr(b, e - b), kMatch);
                s += '\n';
            }
            continue;
        }
        s += prefix(m, line.number, ':');
        if (style_.column) s += std::to_string((line.spans.empty() ? 0 : line.spans.front().first) + 1) + ":";
        if (style_.color && !line.spans.empty()) {
            size_t at = 0;
            const auto& sp = line.spans;
            for (size_t k = 0; k < sp.size(); ++k) {
                size_t b = sp[k].first, e = sp[k].second;
                if (b == e) continue;  // nothing to colour
                while (k + 1 < sp.size() && sp[k + 1].first == e && sp[k + 1].second > e) e = sp[++k].second;  // adjacent: one run, as rg
                s.append(line.text, at, b - at);
                s += paint(std::string_view(line.text).substr(b, e - b), kMatch);
                at = e;
            }
            s.append(line.text, at, std::string::npos);
        } else {
            s += line.text;
        }
        s += '\n';
    }
    if (m.binary_offset) {
        const std::string where = "(found \"\\0\" byte around offset " + std::to_string(*m.binary_offset) + ")";
        const std::string pre = style_.with_filename && !style_.heading ? m.path + ": " : "";
        if (m.binary_match) {
            s += pre + "binary file matches " + where + "\n";
        } else if (!m.lines.empty()) {
            s += pre + "WARNING: stopped searching binary file after match " + where + "\n";
        }
    }
    return s;
}

}  // namespace idx::cli
