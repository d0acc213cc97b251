#include "workspace.h"

#include <unistd.h>

#include "common/lexical_path.h"

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace idx::agent {
namespace {

bool inside(const std::string& abs, const std::string& root) {
    return abs == root || root == "/" || abs.compare(0, root.size() + 1, root + "/") == 0;
}

}  // namespace

Expected<Workspace> Workspace::current() {
    char buf[PATH_MAX];
    if (::getcwd(buf, sizeof buf) == nullptr) return Error::from_errno(errno, "getcwd");
    Workspace w;
    w.cwd = buf;
    w.index = indexer::find_index(w.cwd);
    w.root = w.index ? w.index->root : w.cwd;
    return w;
}

Expected<std::string> Workspace::resolve(const std::string& path) const {
    if (path.find('\0') != std::string::npos) return Error::invalid("path holds a NUL byte");
    const std::string abs = normalise_absolute(!path.empty() && path[0] == '/' ? path : cwd + "/" + path);
    if (!inside(abs, root)) return Error{ErrorKind::kPermission, path + ": outside the project (" + root + ")"};
    // A symlink inside may point outside: check where it really leads.
    char real[PATH_MAX];
    if (::realpath(abs.c_str(), real) != nullptr) {
        char real_root[PATH_MAX];
        const std::string r = ::realpath(root.c_str(), real_root) ? real_root : root;
        if (!inside(real, r)) return Error{ErrorKind::kPermission, path + ": leads outside the project (" + root + ")"};
    } else if (errno != ENOENT) {
        // Unresolvable (a loop, a target too long): it might lead anywhere.
        return Error{ErrorKind::kPermission, path + ": cannot be resolved inside the project: " + std::strerror(errno)};
    }
    if (abs == cwd) return std::string();
    if (inside(abs, cwd)) return abs.substr(cwd == "/" ? 1 : cwd.size() + 1);
    return abs;  // inside the root, above cwd: absolute is unambiguous
}

std::string Workspace::root_relative(const std::string& p) const {
    const std::string abs = normalise_absolute(!p.empty() && p[0] == '/' ? p : cwd + "/" + p);
    if (abs == root) return "";
    return abs.substr(root == "/" ? 1 : root.size() + 1);
}

}  // namespace idx::agent
