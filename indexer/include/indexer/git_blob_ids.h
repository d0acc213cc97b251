// git_blob_ids(): the git blob id of every clean file of a checkout, read
// from git's index (`git ls-files -s`) without reading the files. A file is
// clean when `git diff-files` does not list it, so its blob id names its
// content as it is on disk. This makes an index portable between clones:
// mtimes differ from clone to clone, blob ids do not.
#pragma once

#include <string>
#include <unordered_map>

namespace idx::indexer {

// Path (relative to `root`, as the walker prints it) -> 40-hex blob id.
// Empty when `root` is not in a git work tree or git is not installed.
std::unordered_map<std::string, std::string> git_blob_ids(const std::string& root);

}  // namespace idx::indexer
