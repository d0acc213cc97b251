#include "indexer/gitignore.h"

#include <algorithm>
#include <fstream>

#include "common/lexical_path.h"

namespace idx::indexer {
namespace {

bool ends_with(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::string_view trim_right(std::string_view s) {
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n' ||
                          s.back() == '\v' || s.back() == '\f')) {
        s.remove_suffix(1);
    }
    return s;
}

}  // namespace

Expected<void> GitignoreBuilder::add_line(std::string_view line, bool case_insensitive) {
    if (!line.empty() && line.front() == '#') return {};
    if (!ends_with(line, "\\ ")) line = trim_right(line);
    if (line.empty()) return {};

    Gitignore::Rule rule;
    bool is_absolute = false;
    if (line.substr(0, 2) == "\\!" || line.substr(0, 2) == "\\#") {
        line.remove_prefix(1);
        is_absolute = line.front() == '/';
    } else {
        if (line.front() == '!') {
            rule.whitelist = true;
            line.remove_prefix(1);
        }
        if (!line.empty() && line.front() == '/') {
            line.remove_prefix(1);
            is_absolute = true;
        }
    }
    if (!line.empty() && line.back() == '/') {
        rule.only_dir = true;
        line.remove_suffix(1);
    }
    std::string actual(line);
    if (!is_absolute && actual.find('/') == std::string::npos) {
        if (actual.rfind("**/", 0) != 0 && actual != "**") actual = "**/" + actual;
    }
    if (ends_with(actual, "/**")) actual += "/*";

    auto glob = Glob::compile(actual, GlobOptions{.literal_separator = true, .case_insensitive = case_insensitive});
    if (!glob) return std::move(glob).error();
    rule.glob = std::move(*glob);

    const int id = static_cast<int>(g_.rules_.size());
    switch (rule.glob.strategy()) {
        case Glob::Strategy::kBasenameLiteral: g_.by_basename_[rule.glob.literal()].push_back(id); break;
        case Glob::Strategy::kLiteral: g_.by_literal_[rule.glob.literal()].push_back(id); break;
        case Glob::Strategy::kBasenameSuffix: g_.by_suffix_.push_back(id); break;
        default: g_.generic_.push_back(id); break;
    }
    if (!rule.whitelist) ++g_.num_ignores_;
    g_.rules_.push_back(std::move(rule));
    return {};
}

std::vector<Error> GitignoreBuilder::add_file(const std::string& path) {
    std::vector<Error> errors;
    std::ifstream in(path, std::ios::binary);
    if (!in) return errors;
    std::string line;
    for (int lineno = 1; std::getline(in, line); ++lineno) {
        if (auto r = add_line(line); !r) {
            errors.push_back(Error::invalid(path + ": line " + std::to_string(lineno) + ": " + r.error().message));
        }
    }
    return errors;
}

Gitignore GitignoreBuilder::build() && { return std::move(g_); }

int Gitignore::best_in(const std::vector<int>& ids, std::string_view path, bool is_dir, int best) const {
    for (auto it = ids.rbegin(); it != ids.rend() && *it > best; ++it) {
        const Rule& r = rules_[*it];
        if ((!r.only_dir || is_dir) && r.glob.match(path)) return *it;
    }
    return best;
}

Match Gitignore::matched(std::string_view path, bool is_dir) const {
    if (rules_.empty()) return Match::kNone;
    int best = -1;
    if (!by_basename_.empty()) {
        if (auto it = by_basename_.find(std::string(basename_of(path))); it != by_basename_.end()) {
            best = best_in(it->second, path, is_dir, best);
        }
    }
    if (!by_literal_.empty()) {
        if (auto it = by_literal_.find(std::string(path)); it != by_literal_.end()) {
            best = best_in(it->second, path, is_dir, best);
        }
    }
    best = best_in(by_suffix_, path, is_dir, best);
    best = best_in(generic_, path, is_dir, best);
    if (best < 0) return Match::kNone;
    return rules_[best].whitelist ? Match::kWhitelist : Match::kIgnore;
}

}  // namespace idx::indexer
