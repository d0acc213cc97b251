// WalkOptions: what the walker yields, with ripgrep's flag semantics.
#pragma once

#include <atomic>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "indexer/file_types.h"

namespace idx::indexer {

// Which ignore sources apply (ripgrep's --no-ignore-* family).
struct IgnoreOptions {
    bool hidden = false;            // --hidden: do not skip dot files
    bool no_ignore_vcs = false;     // .gitignore, .git/info/exclude, global excludes
    bool no_ignore_dot = false;     // .ignore (ripgrep 13 still reads .rgignore)
    bool no_ignore_rgignore = false;  // .rgignore: only --no-ignore turns it off
    bool no_ignore_parent = false;  // ignore files in directories above each root
    bool no_ignore_global = false;  // git's core.excludesFile
    bool no_ignore_exclude = false; // .git/info/exclude
    bool no_require_git = false;    // apply git rules outside git repositories

    // --no-ignore: all of the above but `hidden`.
    void set_no_ignore() {
        no_ignore_vcs = no_ignore_dot = no_ignore_rgignore = no_ignore_parent = no_ignore_global = no_ignore_exclude =
            true;
    }
};

struct OverrideGlob {
    std::string glob;               // -g GLOB; a leading '!' excludes
    bool case_insensitive = false;  // --iglob
};

struct WalkOptions {
    std::vector<std::string> paths;  // empty: the current directory, printed without "./"
    // With no `paths`: walk this directory as if it were the current one
    // (paths are printed relative to it). Empty: the process's directory.
    std::string base_dir;
    IgnoreOptions ignore;
    bool follow_links = false;       // -L
    std::vector<OverrideGlob> globs;
    std::vector<TypeSelection> types;
    std::optional<uint64_t> max_filesize;  // bytes; larger files are skipped
    std::optional<size_t> max_depth;
    bool want_metadata = false;      // fill FileEntry size and mtime (costs a stat per file)
    unsigned threads = 0;            // 0: one per core
    // When set (by another thread: a deadline, a client's cancel), the walk
    // stops opening folders and yielding files, and returns early.
    const std::atomic<bool>* cancel = nullptr;
};

}  // namespace idx::indexer
