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

std::optional<IndexLocation> find_index(const std::string& dir, RootLookup lookup) {
    const std::string db = env_db();
    auto from_env = [&](const std::string& fallback) {
        if (lookup == RootLookup::kByCaller) return IndexLocation{fallback, db, true};
        return IndexLocation{indexed_root(db, fallback), db};
    };
    std::string d = dir;
    while (true) {
        std::string candidate = (d == "/" ? "" : d) + "/.idx/index.db";
        if (is_file(candidate)) return db.empty() ? IndexLocation{d, candidate} : from_env(d);
        if (d == "/" || d.empty()) break;
        auto slash = d.rfind('/');
        d = slash == 0 ? "/" : d.substr(0, slash);
    }
    if (!db.empty()) return from_env(dir);
    return std::nullopt;
}

}  // namespace idx::indexer
