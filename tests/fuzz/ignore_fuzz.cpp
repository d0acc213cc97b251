// Fuzzes the gitignore parser and matcher. Cross-check: the matcher's
// bucketed lookup (by basename, literal, suffix) must give the answer of
// trying every rule in order, last match wins, as git and ripgrep define it.
//
// Input: gitignore lines, a NUL, then paths (one per line; a trailing '/'
// marks a directory).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "indexer/gitignore.h"
#include "indexer/glob.h"

using namespace idx::indexer;

namespace {

std::vector<std::string_view> split_lines(std::string_view s, size_t max) {
    std::vector<std::string_view> out;
    while (!s.empty() && out.size() < max) {
        const size_t nl = s.find('\n');
        out.push_back(s.substr(0, nl));
        if (nl == std::string_view::npos) break;
        s.remove_prefix(nl + 1);
    }
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 1 || size > 4096) return 0;
    const std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);
    const bool icase = data[0] & 1;
    const size_t nul = in.find('\0');
    const auto lines = split_lines(in.substr(0, nul), 64);
    const auto paths = nul == std::string_view::npos ? std::vector<std::string_view>{}
                                                     : split_lines(in.substr(nul + 1), 16);

    GitignoreBuilder all;
    std::vector<Gitignore> each;
    for (auto line : lines) {
        GitignoreBuilder one;
        const bool ok_one = one.add_line(line, icase).ok();
        const bool ok_all = all.add_line(line, icase).ok();
        if (ok_one != ok_all) std::abort();
        if (ok_one) each.push_back(std::move(one).build());
    }
    const Gitignore combined = std::move(all).build();

    for (auto p : paths) {
        bool is_dir = false;
        if (!p.empty() && p.back() == '/') {
            is_dir = true;
            p.remove_suffix(1);
        }
        Match want = Match::kNone;
        for (const auto& g : each) {
            const Match m = g.matched(p, is_dir);
            if (m != Match::kNone) want = m;
        }
        if (combined.matched(p, is_dir) != want) {
            std::fprintf(stderr, "bucketed matcher disagrees on %.*s\n", static_cast<int>(p.size()), p.data());
            std::abort();
        }
        for (auto line : lines) {  // globs on their own, as -g / --iglob compile them
            auto glob = Glob::compile(line, GlobOptions{.literal_separator = true, .case_insensitive = icase});
            if (glob) (void)glob->match(p);
        }
    }
    return 0;
}
