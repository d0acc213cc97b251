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
    auto where = indexer::locate_index(cwd);
    if (!where) {
        return Error{ErrorKind::kNotFound, std::string("no index found in ") + cwd + " or above (run `idx index`)"};
    }
    return open(cwd, *where);
}

Expected<IndexSession> IndexSession::open(const std::string& cwd, const indexer::IndexLocation& where) {
    auto reader = indexer::IndexReader::open(where.db_path);
    if (!reader) return std::move(reader).error();
    IndexSession s(std::move(*reader));
    if (auto placed = s.place(cwd, where); !placed) return std::move(placed).error();
    return s;
}

Expected<void> IndexSession::place(const std::string& cwd, const indexer::IndexLocation& where) {
    db_path_ = where.db_path;
    root_ = where.root;
    // With $IDX_DB the root is the index's meta root, read through this
    // session's own connection.
    if (where.root_in_meta) {
        auto root = indexer::read_meta(reader_.db(), "root");
        if (root && !root->empty()) root_ = *root;
    }
    cwd_ = cwd;
    cwd_depth_ = 0;
    const std::string r = root_ == "/" ? "" : root_;
    if (cwd_ == root_) {
        cwd_prefix_.clear();
    } else if (cwd_.compare(0, r.size() + 1, r + "/") == 0) {
        cwd_prefix_ = cwd_.substr(r.size() + 1) + "/";
        for (char c : cwd_prefix_) cwd_depth_ += c == '/';
    } else {
        cwd_prefix_ = "/";  // outside the root: show absolute paths
    }
    return {};
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
