#include "indexer/index_locator.h"

#include <sys/stat.h>

#include <cstdlib>

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

}  // namespace

IndexLocation location_for_root(const std::string& root) {
    std::string db = env_db();
    return {root, db.empty() ? root + "/.idx/index.db" : db};
}

std::optional<IndexLocation> locate_index(const std::string& dir) {
    const std::string db = env_db();
    std::string d = dir;
    while (true) {
        std::string candidate = (d == "/" ? "" : d) + "/.idx/index.db";
        if (is_file(candidate)) return db.empty() ? IndexLocation{d, candidate} : IndexLocation{d, db, true};
        if (d == "/" || d.empty()) break;
        auto slash = d.rfind('/');
        d = slash == 0 ? "/" : d.substr(0, slash);
    }
    if (!db.empty()) return IndexLocation{dir, db, true};
    return std::nullopt;
}

}  // namespace idx::indexer
