#include "workspace.h"

#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace idx::agent {
namespace {

// "a/./b/../c" -> "a/c"; ".." past the start is kept (then refused).
std::string normalise(const std::string& abs) {
    std::vector<std::string> parts;
    size_t i = 0;
    while (i <= abs.size()) {
        size_t j = abs.find('/', i);
        if (j == std::string::npos) j = abs.size();
        std::string part = abs.substr(i, j - i);
        if (part == "..") {
            if (!parts.empty()) parts.pop_back();
        } else if (!part.empty() && part != ".") {
            parts.push_back(part);
        }
        i = j + 1;
    }
    std::string out;
    for (const auto& p : parts) out += "/" + p;
    return out.empty() ? "/" : out;
}

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
    const std::string abs = normalise(!path.empty() && path[0] == '/' ? path : cwd + "/" + path);
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
    const std::string abs = normalise(!p.empty() && p[0] == '/' ? p : cwd + "/" + p);
    if (abs == root) return "";
    return abs.substr(root == "/" ? 1 : root.size() + 1);
}

}  // namespace idx::agent
