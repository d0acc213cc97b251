// Workspace: the tree the tools serve (the process's working directory and
// the index covering it), and the check that keeps a model's paths inside
// it: "../../etc/passwd", absolute paths elsewhere, and symlinks leading
// out are refused.
#pragma once

#include <optional>
#include <string>

#include "common/expected.h"
#include "indexer/index_locator.h"

namespace idx::agent {

struct Workspace {
    std::string cwd;                                // absolute
    std::optional<indexer::IndexLocation> index;    // none: tools that need one say so
    std::string root;                               // index root, else cwd

    static Expected<Workspace> current();

    // `path` (relative to cwd, or absolute) as a path relative to cwd that
    // stays inside the root ("" for cwd itself). kPermission when outside.
    Expected<std::string> resolve(const std::string& path) const;
    // The same path relative to the root (the index's keys).
    std::string root_relative(const std::string& cwd_relative) const;
};

}  // namespace idx::agent
