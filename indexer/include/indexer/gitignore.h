// Gitignore: the rules of one ignore file (.gitignore, .ignore, .rgignore,
// info/exclude, a global excludes file) or of a set of -g overrides, with
// ripgrep's line syntax and "last matching rule wins" semantics.
//
// A Gitignore is immutable once built and safe to share across threads.
// Paths given to matched() are relative to the directory holding the file.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/expected.h"
#include "indexer/glob.h"

namespace idx::indexer {

enum class Match : uint8_t { kNone, kIgnore, kWhitelist };

class Gitignore {
public:
    bool empty() const { return rules_.empty(); }
    // The decision of the last rule matching `rel_path`; dir-only rules
    // (`foo/`) apply only when `is_dir`.
    Match matched(std::string_view rel_path, bool is_dir) const;
    size_t num_ignores() const { return num_ignores_; }
    size_t num_whitelists() const { return rules_.size() - num_ignores_; }

private:
    friend class GitignoreBuilder;
    struct Rule {
        Glob glob;
        bool whitelist = false;
        bool only_dir = false;
    };
    // Best (highest) index among rules in `ids` that match; -1 if none.
    int best_in(const std::vector<int>& ids, std::string_view path, bool is_dir, int best) const;

    std::vector<Rule> rules_;
    size_t num_ignores_ = 0;
    // Indexes into rules_, bucketed by Glob::Strategy for speed.
    std::unordered_map<std::string, std::vector<int>> by_basename_;
    std::unordered_map<std::string, std::vector<int>> by_literal_;
    std::vector<int> by_suffix_;  // ascending
    std::vector<int> generic_;    // ascending
};

class GitignoreBuilder {
public:
    // Adds one line of gitignore syntax. Comments and blank lines add nothing.
    Expected<void> add_line(std::string_view line, bool case_insensitive = false);
    // Adds every line of the file at `path`; a missing file adds nothing.
    // A bad line is reported (as "<path>: line N: ...") and skipped; the
    // other lines still apply, as in ripgrep.
    std::vector<Error> add_file(const std::string& path);
    Gitignore build() &&;

private:
    Gitignore g_;
};

}  // namespace idx::indexer
