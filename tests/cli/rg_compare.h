// Runs `rg --files ARGS` and `idx files ARGS` side by side on a tree and
// checks that they agree: the same set of paths, the same exit code and the
// same error lines. ripgrep itself is the oracle; nothing is hand-listed.
#pragma once

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "tests/support/process.h"
#include "tests/support/temp_tree.h"

namespace idx::test {

struct RgPair {
    ProcessResult rg, idx;
};

inline std::vector<std::string> isolated_env(const TempTree& t) {
    // A private HOME so that the developer's global git excludes never leak in.
    return {"HOME=" + t.path(".home"), "NO_COLOR=1"};
}

inline RgPair run_both(const TempTree& t, const std::vector<std::string>& args, const std::string& cwd_rel = "",
                       const std::string& rg_subcommand = "--files", const std::string& idx_subcommand = "files") {
    std::string cwd = cwd_rel.empty() ? t.root() : t.path(cwd_rel);
    std::vector<std::string> rg_argv{"rg"};
    if (!rg_subcommand.empty()) rg_argv.push_back(rg_subcommand);
    std::vector<std::string> idx_argv{IDX_BINARY, idx_subcommand};
    rg_argv.insert(rg_argv.end(), args.begin(), args.end());
    idx_argv.insert(idx_argv.end(), args.begin(), args.end());
    const std::vector<std::string> unset{"XDG_CONFIG_HOME", "RIPGREP_CONFIG_PATH"};
    return {run_process(rg_argv, cwd, isolated_env(t), unset), run_process(idx_argv, cwd, isolated_env(t), unset)};
}

inline std::string describe(const std::vector<std::string>& args) {
    std::string s;
    for (const auto& a : args) s += " '" + a + "'";
    return s;
}

// The check itself, with the arguments in the failure message.
inline void check_files_match_rg(const TempTree& t, const std::vector<std::string>& args,
                                 const std::string& cwd_rel = "") {
    RgPair p = run_both(t, args, cwd_rel);
    INFO("args:", describe(args), " cwd: ", cwd_rel, "\nrg stdout:\n", p.rg.out, "idx stdout:\n", p.idx.out,
         "rg stderr:\n", p.rg.err, "idx stderr:\n", p.idx.err);
    CHECK(sorted_lines(p.idx.out) == sorted_lines(p.rg.out));
    CHECK(p.idx.exit_code == p.rg.exit_code);
    CHECK(sorted_lines(p.idx.err) == sorted_lines(p.rg.err));
}

}  // namespace idx::test
