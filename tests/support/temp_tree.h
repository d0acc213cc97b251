// Test support: a scratch directory tree, removed when the object dies.
#pragma once

#include <string>

namespace idx::test {

class TempTree {
public:
    TempTree();
    ~TempTree();
    TempTree(const TempTree&) = delete;
    TempTree& operator=(const TempTree&) = delete;

    const std::string& root() const { return root_; }
    std::string path(const std::string& rel) const { return root_ + "/" + rel; }
    // Creates parent directories as needed.
    void write(const std::string& rel, const std::string& content = "x\n") const;
    void mkdir(const std::string& rel) const;
    void symlink(const std::string& target, const std::string& rel) const;
    // Makes `rel` (default: the root) a git repository as ripgrep sees one.
    void git_repo(const std::string& rel = "") const;

private:
    std::string root_;
};

}  // namespace idx::test
