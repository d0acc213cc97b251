// IgnoreStack: ripgrep's per-directory ignore decision (ignore crate, dir.rs).
//
// Each walked directory gets an immutable IgnoreNode holding the rules of its
// own ignore files and a pointer to its parent's node, so a subtree shares its
// ancestors' rules without locks. Nodes above a walk root ("absolute parents")
// carry the ignore files of the root's ancestor directories.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/expected.h"
#include "indexer/file_types.h"
#include "indexer/gitignore.h"
#include "indexer/walk_options.h"

namespace idx::indexer {

struct IgnoreNode {
    std::shared_ptr<const IgnoreNode> parent;
    Gitignore rgignore, dotignore, gitignore, exclude;
    bool has_git = false;          // this directory holds .git
    bool any_git = false;          // this node or any ancestor node has_git
    bool any_rules = false;        // this node or any ancestor has a non-empty matcher
    bool absolute_parent = false;  // above the walk root
    size_t rel_len = 0;            // walked nodes: length of the dir's path relative to the root
    std::string root_rel;          // absolute parents: the root's path relative to this dir
    std::string dir;               // absolute parents: this dir's absolute path ("" for "/")
};

// git's core.excludesFile as ripgrep finds it from $HOME and
// $XDG_CONFIG_HOME ("" when neither is set).
std::string global_excludes_path();
// The git directory whose info/exclude applies to `dir` ("" when `dir`
// holds no .git; follows `gitdir:` files of worktrees and submodules).
std::string git_common_dir(const std::string& dir);

// Which ignore-relevant names a directory listing contained.
struct DirIgnoreFiles {
    bool rgignore = false, dotignore = false, gitignore = false, git = false;
};

class IgnoreStack {
public:
    // Reads the global excludes file; bad lines go to `warnings`.
    static Expected<IgnoreStack> build(const WalkOptions& options, std::vector<Error>* warnings);

    // The node for directory `dir` (as walked), whose path relative to the
    // root has length `rel_len`.
    std::shared_ptr<const IgnoreNode> child(std::shared_ptr<const IgnoreNode> parent, const std::string& dir,
                                            size_t rel_len, const DirIgnoreFiles& files,
                                            std::vector<Error>* warnings) const;
    // The chain of absolute-parent nodes above a root directory (null when
    // --no-ignore-parent or nothing applies).
    std::shared_ptr<const IgnoreNode> parents(const std::string& abs_root, std::vector<Error>* warnings) const;

    // Whether an entry of directory `dir_node` is skipped. `display` is the
    // path as printed, `rel` the path relative to the walk root.
    bool should_skip(const IgnoreNode* dir_node, std::string_view display, std::string_view rel,
                     std::string_view name, bool is_dir) const;

private:
    Match matched_ignore(const IgnoreNode* node, std::string_view display, std::string_view rel, bool is_dir) const;
    Match matched_override(std::string_view display, bool is_dir) const;
    bool any_ignore_files() const;

    IgnoreOptions opts_;
    Gitignore overrides_;
    Gitignore global_;
    TypeMatcher types_;
    std::string cwd_;  // overrides are rooted here
};

}  // namespace idx::indexer
