#include "indexer/git_blob_ids.h"

#include <string_view>
#include <unordered_set>

#include "common/subprocess.h"

namespace idx::indexer {

std::unordered_map<std::string, std::string> git_blob_ids(const std::string& root) {
    std::unordered_map<std::string, std::string> ids;
    // -z: NUL-terminated, paths unquoted. Entries: "<mode> <oid> <stage>\t<path>".
    auto listed = run_capture({"git", "-C", root, "ls-files", "-s", "-z"});
    if (!listed || listed->exit_code != 0) return ids;
    auto dirty = run_capture({"git", "-C", root, "diff-files", "--name-only", "--relative", "-z"});
    if (!dirty || dirty->exit_code != 0) return ids;
    std::unordered_set<std::string_view> changed;
    std::string_view d = dirty->out;
    for (size_t p = 0; p < d.size();) {
        size_t z = d.find('\0', p);
        if (z == std::string_view::npos) z = d.size();
        changed.insert(d.substr(p, z - p));
        p = z + 1;
    }
    std::string_view s = listed->out;
    for (size_t p = 0; p < s.size();) {
        size_t z = s.find('\0', p);
        if (z == std::string_view::npos) z = s.size();
        std::string_view entry = s.substr(p, z - p);
        p = z + 1;
        const size_t tab = entry.find('\t');
        if (tab == std::string_view::npos || entry.size() < 50) continue;
        std::string_view mode = entry.substr(0, 6);
        std::string_view oid = entry.substr(7, 40);
        std::string_view stage = entry.substr(48, tab - 48);
        std::string_view path = entry.substr(tab + 1);
        if ((mode != "100644" && mode != "100755") || stage != "0") continue;  // blobs, merged only
        if (changed.count(path)) continue;
        ids.emplace(std::string(path), std::string(oid));
    }
    return ids;
}

}  // namespace idx::indexer
