#include "index_session.h"

#include <unistd.h>

#include "common/lexical_path.h"

#include <climits>
#include <cstdlib>

#include "indexer/index_locator.h"
#include "indexer/index_schema.h"

namespace idx::cli {
Expected<IndexSession> IndexSession::open() {
    char cwd[PATH_MAX];
    if (::getcwd(cwd, sizeof cwd) == nullptr) return Error::from_errno(errno, "getcwd");
    // With $IDX_DB the root is the index's meta root, read from the reader
    // opened here rather than from a second connection.
    auto where = indexer::find_index(cwd, indexer::RootLookup::kByCaller);
    if (!where) {
        return Error{ErrorKind::kNotFound, std::string("no index found in ") + cwd + " or above (run `idx index`)"};
    }
    auto reader = indexer::IndexReader::open(where->db_path);
    if (!reader) return std::move(reader).error();
    if (where->root_in_meta) {
        auto root = indexer::read_meta(reader->db(), "root");
        if (root && !root->empty()) where->root = *root;
    }
    IndexSession s(std::move(*reader));
    s.db_path_ = where->db_path;
    s.root_ = where->root;
    s.cwd_ = cwd;
    const std::string r = s.root_ == "/" ? "" : s.root_;
    if (s.cwd_ == s.root_) {
        s.cwd_prefix_.clear();
    } else if (s.cwd_.compare(0, r.size() + 1, r + "/") == 0) {
        s.cwd_prefix_ = s.cwd_.substr(r.size() + 1) + "/";
        for (char c : s.cwd_prefix_) s.cwd_depth_ += c == '/';
    } else {
        s.cwd_prefix_ = "/";  // outside the root: show absolute paths
    }
    return s;
}

std::optional<std::string> IndexSession::to_root_relative(const std::string& user_path) const {
    const std::string abs = normalise_absolute(user_path.empty() || user_path[0] != '/' ? cwd_ + "/" + user_path : user_path);
    if (abs == root_) return std::string();
    const std::string r = root_ == "/" ? "" : root_;
    if (abs.compare(0, r.size() + 1, r + "/") != 0) return std::nullopt;
    return abs.substr(r.size() + 1);
}

std::string IndexSession::display(const std::string& rel) const {
    if (cwd_prefix_.empty()) return rel;
    if (cwd_prefix_ == "/") return (root_ == "/" ? "" : root_) + "/" + rel;
    if (rel.compare(0, cwd_prefix_.size(), cwd_prefix_) == 0) return rel.substr(cwd_prefix_.size());
    // Outside the working directory: climb to the root, then down.
    std::string out;
    size_t common = 0;  // folders shared by cwd_prefix_ and rel
    size_t i = 0;
    while (true) {
        const size_t j = cwd_prefix_.find('/', i);
        if (j == std::string::npos || rel.compare(i, j - i + 1, cwd_prefix_, i, j - i + 1) != 0) break;
        ++common;
        i = j + 1;
    }
    for (int d = static_cast<int>(common); d < cwd_depth_; ++d) out += "../";
    return out + rel.substr(i);
}

}  // namespace idx::cli
