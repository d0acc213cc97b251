#include "indexer/index_locator.h"

#include <sys/stat.h>

#include <cstdlib>

#include "indexer/index_schema.h"

namespace idx::indexer {
namespace {

bool is_file(const std::string& p) {
    struct stat st {};
    return ::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

std::string env_db() {
    const char* v = std::getenv("IDX_DB");
    return v && *v ? std::string(v) : std::string();
}

// The tree an $IDX_DB index was built from (its meta root), so that every
// command maps paths the same way wherever it runs; `fallback` when the
// file is missing or not a readable idx index (its users report that).
std::string indexed_root(const std::string& db, const std::string& fallback) {
    if (!is_file(db)) return fallback;
    auto opened = open_index_for_read(db);
    if (!opened) return fallback;
    auto root = read_meta(*opened, "root");
    return root && !root->empty() ? *root : fallback;
}

}  // namespace

IndexLocation location_for_root(const std::string& root) {
    std::string db = env_db();
    return {root, db.empty() ? root + "/.idx/index.db" : db};
}

std::optional<IndexLocation> find_index(const std::string& dir) {
    std::string d = dir;
    while (true) {
        std::string candidate = (d == "/" ? "" : d) + "/.idx/index.db";
        if (is_file(candidate)) {
            std::string db = env_db();
            return db.empty() ? IndexLocation{d, candidate} : IndexLocation{indexed_root(db, d), db};
        }
        if (d == "/" || d.empty()) break;
        auto slash = d.rfind('/');
        d = slash == 0 ? "/" : d.substr(0, slash);
    }
    std::string db = env_db();
    if (!db.empty()) return IndexLocation{indexed_root(db, dir), db};
    return std::nullopt;
}

}  // namespace idx::indexer
