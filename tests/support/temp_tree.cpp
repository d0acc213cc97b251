#include "tests/support/temp_tree.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace fs = std::filesystem;

namespace idx::test {

TempTree::TempTree() {
    std::string tmpl = (fs::temp_directory_path() / "idx-test-XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    root_ = tmpl;
}

TempTree::~TempTree() {
    std::error_code ec;
    // Restore permissions a test may have removed, then delete everything.
    for (auto it = fs::recursive_directory_iterator(root_, fs::directory_options::skip_permission_denied, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (it->is_directory(ec) && !it->is_symlink(ec)) fs::permissions(it->path(), fs::perms::owner_all, fs::perm_options::add, ec);
    }
    fs::remove_all(root_, ec);
}

void TempTree::write(const std::string& rel, const std::string& content) const {
    fs::path p = fs::path(root_) / rel;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << content;
}

void TempTree::mkdir(const std::string& rel) const { fs::create_directories(fs::path(root_) / rel); }

void TempTree::symlink(const std::string& target, const std::string& rel) const {
    fs::path p = fs::path(root_) / rel;
    fs::create_directories(p.parent_path());
    fs::create_symlink(target, p);
}

void TempTree::git_repo(const std::string& rel) const { fs::create_directories(fs::path(root_) / rel / ".git"); }

}  // namespace idx::test
