#include "ignore_stack.h"

#include "common/file_io.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <regex>

namespace idx::indexer {
namespace {

std::string_view strip_dot_slash(std::string_view p) {
    while (p.size() >= 2 && p[0] == '.' && p[1] == '/') p.remove_prefix(2);
    return p;
}

// The file's content, or "" when it cannot be read.
std::string read_file(const std::string& path) {
    std::string buf;
    return read_whole_file(path, buf) == 0 ? buf : std::string();
}

bool exists(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0;
}

}  // namespace

// git's core.excludesFile, found as ripgrep finds it: the first
// `excludesfile = X` line in ~/.gitconfig, then in the XDG git config, else
// the XDG default `git/ignore`. `~` expands to $HOME; quotes are kept.
std::string global_excludes_path() {
    const char* home_env = std::getenv("HOME");
    std::string home = home_env ? home_env : "";
    const char* xdg_env = std::getenv("XDG_CONFIG_HOME");
    std::string xdg = (xdg_env && *xdg_env) ? xdg_env : (home.empty() ? "" : home + "/.config");
    static const std::regex kLine(R"(^\s*excludesfile\s*=\s*(.+?)\s*$)", std::regex::icase | std::regex::multiline);
    auto parse = [&](const std::string& config) -> std::string {
        std::smatch m;
        if (config.empty() || !std::regex_search(config, m, kLine)) return {};
        std::string v = m[1].str();
        if (v.rfind("~/", 0) == 0 && !home.empty()) v = home + v.substr(1);
        return v;
    };
    if (!home.empty()) {
        if (auto p = parse(read_file(home + "/.gitconfig")); !p.empty()) return p;
    }
    if (!xdg.empty()) {
        if (auto p = parse(read_file(xdg + "/git/config")); !p.empty()) return p;
        return xdg + "/git/ignore";
    }
    return {};
}

// The directory whose info/exclude applies for `dir`/.git (a dir, or a
// `gitdir:` file as in worktrees and submodules).
std::string git_common_dir(const std::string& dir) {
    std::string dotgit = dir + "/.git";
    struct stat st {};
    if (::stat(dotgit.c_str(), &st) != 0) return {};
    if (S_ISDIR(st.st_mode)) return dotgit;
    std::string content = read_file(dotgit);
    if (content.rfind("gitdir: ", 0) != 0) return {};
    std::string gitdir = content.substr(8);
    while (!gitdir.empty() && (gitdir.back() == '\n' || gitdir.back() == '\r')) gitdir.pop_back();
    if (!gitdir.empty() && gitdir.front() != '/') gitdir = dir + "/" + gitdir;
    std::string common = read_file(gitdir + "/commondir");
    while (!common.empty() && (common.back() == '\n' || common.back() == '\r')) common.pop_back();
    if (common.empty()) return gitdir;
    return common.front() == '/' ? common : gitdir + "/" + common;
}

namespace {

void add_file(GitignoreBuilder& b, const std::string& path, std::vector<Error>* warnings) {
    auto errs = b.add_file(path);
    if (warnings) warnings->insert(warnings->end(), errs.begin(), errs.end());
}

bool is_file_name(std::string_view p) { return p.find('/') == std::string_view::npos; }

// The path an ignore file above the walk root is matched against. ripgrep 13
// joins the root's absolute path with the path *as displayed*, so for a root
// such as `sub` the candidate reads `sub/sub/x` (fixed upstream in ripgrep
// 14). idx reproduces 13.0.0, the version Debian 12 ships, so that
// `idx files` and `rg --files` agree.
std::string_view parent_candidate(const IgnoreNode& n, std::string_view display, std::string& scratch) {
    std::string_view shown = strip_dot_slash(display);
    if (!shown.empty() && shown.front() == '/') {
        // Path::join with an absolute path yields that path; strip the dir.
        const std::string_view dir = n.dir;
        if (shown.size() > dir.size() && shown.substr(0, dir.size()) == dir && shown[dir.size()] == '/') {
            return shown.substr(dir.size() + 1);
        }
        return shown;
    }
    scratch = n.root_rel;
    if (!shown.empty()) {
        scratch += '/';
        scratch += shown;
    }
    return scratch;
}

}  // namespace

Expected<IgnoreStack> IgnoreStack::build(const WalkOptions& options, std::vector<Error>* warnings) {
    IgnoreStack s;
    s.opts_ = options.ignore;
    if (!options.globs.empty()) {
        GitignoreBuilder b;
        for (const OverrideGlob& g : options.globs) {
            if (auto r = b.add_line(g.glob, g.case_insensitive); !r) return r.error();
        }
        s.overrides_ = std::move(b).build();
        char buf[4096];
        if (!options.base_dir.empty()) {
            s.cwd_ = options.base_dir;  // the walk behaves as if run from there
        } else if (::getcwd(buf, sizeof buf) != nullptr) {
            s.cwd_ = buf;
        }
    }
    auto types = TypeMatcher::build(options.types);
    if (!types) return std::move(types).error();
    s.types_ = std::move(*types);
    if (!s.opts_.no_ignore_vcs && !s.opts_.no_ignore_global) {
        std::string path = global_excludes_path();
        if (!path.empty()) {
            GitignoreBuilder b;
            add_file(b, path, warnings);
            s.global_ = std::move(b).build();
        }
    }
    return s;
}

bool IgnoreStack::any_ignore_files() const {
    return !opts_.no_ignore_dot || !opts_.no_ignore_rgignore || !opts_.no_ignore_vcs || !opts_.no_ignore_exclude;
}

std::shared_ptr<const IgnoreNode> IgnoreStack::child(std::shared_ptr<const IgnoreNode> parent, const std::string& dir,
                                                     size_t rel_len, const DirIgnoreFiles& files,
                                                     std::vector<Error>* warnings) const {
    auto node = std::make_shared<IgnoreNode>();
    node->rel_len = rel_len;
    const bool parent_git = parent && parent->any_git;
    const bool vcs = !opts_.no_ignore_vcs;
    // .git marks a repository boundary whenever git rules are read, even
    // with --no-require-git (ripgrep's has_git).
    node->has_git = vcs && files.git;
    node->any_git = node->has_git || parent_git;
    const std::string prefix = dir.empty() ? std::string() : dir + "/";
    if (!opts_.no_ignore_rgignore && files.rgignore) {
        GitignoreBuilder b;
        add_file(b, prefix + ".rgignore", warnings);
        node->rgignore = std::move(b).build();
    }
    if (!opts_.no_ignore_dot) {
        if (files.dotignore) {
            GitignoreBuilder b;
            add_file(b, prefix + ".ignore", warnings);
            node->dotignore = std::move(b).build();
        }
    }
    // A .gitignore can only apply when it sits inside a repository (or git
    // is not required), so outside one it is not even read.
    if (vcs && files.gitignore && (node->any_git || opts_.no_require_git)) {
        GitignoreBuilder b;
        add_file(b, prefix + ".gitignore", warnings);
        node->gitignore = std::move(b).build();
    }
    if (vcs && !opts_.no_ignore_exclude && files.git) {
        std::string common = git_common_dir(dir.empty() ? "." : dir);
        if (!common.empty()) {
            GitignoreBuilder b;
            add_file(b, common + "/info/exclude", warnings);
            node->exclude = std::move(b).build();
        }
    }
    node->any_rules = (parent && parent->any_rules) || !node->rgignore.empty() || !node->dotignore.empty() ||
                      !node->gitignore.empty() || !node->exclude.empty();
    node->parent = std::move(parent);
    return node;
}

std::shared_ptr<const IgnoreNode> IgnoreStack::parents(const std::string& abs_root,
                                                       std::vector<Error>* warnings) const {
    if (opts_.no_ignore_parent || !any_ignore_files()) return nullptr;
    // Ancestors from the filesystem root down to the root's parent.
    std::vector<std::string> dirs;
    for (std::string d = abs_root; d.size() > 1;) {
        auto slash = d.rfind('/');
        d = slash == 0 ? "/" : d.substr(0, slash);
        dirs.push_back(d);
    }
    std::shared_ptr<const IgnoreNode> node;
    for (auto it = dirs.rbegin(); it != dirs.rend(); ++it) {
        const std::string& d = *it;
        const std::string prefix = d == "/" ? "/" : d + "/";
        DirIgnoreFiles files;
        files.rgignore = exists(prefix + ".rgignore");
        files.dotignore = exists(prefix + ".ignore");
        files.gitignore = exists(prefix + ".gitignore");
        files.git = exists(prefix + ".git");
        auto n = std::const_pointer_cast<IgnoreNode>(child(node, d == "/" ? "" : d, 0, files, warnings));
        n->absolute_parent = true;
        n->root_rel = abs_root.substr(d == "/" ? 1 : d.size() + 1);
        n->dir = d == "/" ? "" : d;
        node = std::move(n);
    }
    return node;
}

Match IgnoreStack::matched_override(std::string_view display, bool is_dir) const {
    std::string_view cand = strip_dot_slash(display);
    if (!cwd_.empty() && !is_file_name(cand) && cand.substr(0, cwd_.size()) == cwd_) {
        cand.remove_prefix(cwd_.size());
        if (!cand.empty() && cand.front() == '/') cand.remove_prefix(1);
    }
    // -g GLOB whitelists and -g !GLOB ignores: the inverse of gitignore.
    switch (overrides_.matched(cand, is_dir)) {
        case Match::kIgnore: return Match::kWhitelist;
        case Match::kWhitelist: return Match::kIgnore;
        case Match::kNone: break;
    }
    if (overrides_.num_ignores() > 0 && !is_dir) return Match::kIgnore;
    return Match::kNone;
}

Match IgnoreStack::matched_ignore(const IgnoreNode* node, std::string_view display, std::string_view rel,
                                  bool is_dir) const {
    Match m_rg = Match::kNone, m_dot = Match::kNone, m_gi = Match::kNone, m_ex = Match::kNone;
    const bool any_git = opts_.no_require_git || (node && node->any_git);
    bool saw_git = false;
    std::string joined;
    for (const IgnoreNode* n = node; n != nullptr; n = n->parent.get()) {
        if (!n->any_rules) break;  // nothing at or above this node
        std::string_view cand;
        if (!n->absolute_parent) {
            cand = n->rel_len == 0 ? rel : rel.substr(n->rel_len + 1);
        } else {
            cand = parent_candidate(*n, display, joined);
        }
        if (m_rg == Match::kNone) m_rg = n->rgignore.matched(cand, is_dir);
        if (m_dot == Match::kNone) m_dot = n->dotignore.matched(cand, is_dir);
        if (any_git && !saw_git) {
            if (m_gi == Match::kNone) m_gi = n->gitignore.matched(cand, is_dir);
            if (m_ex == Match::kNone) m_ex = n->exclude.matched(cand, is_dir);
        }
        saw_git = saw_git || n->has_git;
    }
    Match m_global = Match::kNone;
    if (any_git && !global_.empty()) m_global = global_.matched(strip_dot_slash(display), is_dir);
    for (Match m : {m_rg, m_dot, m_gi, m_ex, m_global}) {
        if (m != Match::kNone) return m;
    }
    return Match::kNone;
}

bool IgnoreStack::should_skip(const IgnoreNode* dir_node, std::string_view display, std::string_view rel,
                              std::string_view name, bool is_dir) const {
    if (!overrides_.empty()) {
        Match m = matched_override(display, is_dir);
        if (m != Match::kNone) return m == Match::kIgnore;
    }
    bool whitelisted = false;
    if ((dir_node && dir_node->any_rules) || !global_.empty()) {
        Match m = matched_ignore(dir_node, display, rel, is_dir);
        if (m == Match::kIgnore) return true;
        whitelisted = m == Match::kWhitelist;
    }
    if (!types_.empty()) {
        Match m = types_.matched(name, is_dir);
        if (m == Match::kIgnore) return true;
        whitelisted = whitelisted || m == Match::kWhitelist;
    }
    const bool hidden = !name.empty() && name.front() == '.' && name != "." && name != "..";
    return !whitelisted && !opts_.hidden && hidden;
}

}  // namespace idx::indexer
